package dev.lbkit.examples;

import dev.lbkit.api.io.InputFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Input files the commands could not read, worded for an operator rather than as the exception's bare path. */
final class IoErrors {
  private IoErrors() {}

  /** {@code cannot read FILE: no such file}, with the failure as its cause; the wording is {@link InputFiles}'s. */
  static IOException cannotRead(Path file, IOException e) {
    return new IOException("cannot read " + file + ": " + InputFiles.reason(e), e);
  }
}
