package dev.lbkit.examples;

import java.util.Arrays;

/**
 * {@code lbkit ipvsadm} on its own: what {@code bin/lbkit ipvsadm} starts, with a class path of only lb-ipvs, what it
 * needs and this jar. {@link Main} builds every subcommand, which needs every module's jar on the class path, and
 * each jar there costs a short command's start: java.util.logging, which JNA sets up, searches the whole class path
 * for a logging service, and the class-data archive is made for one class path. Same output and exit status as
 * {@code lbkit ipvsadm} through {@link Main}.
 */
public final class IpvsadmMain {
  private IpvsadmMain() {}

  public static void main(String[] args) {
    System.exit(Command.runReporting(new IpvsadmCommand(), Arrays.asList(args), System.out, System.err));
  }
}
