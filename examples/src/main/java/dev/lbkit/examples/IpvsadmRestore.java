package dev.lbkit.examples;

import dev.lbkit.ipvs.IpvsChange;
import dev.lbkit.ipvs.IpvsClient;
import dev.lbkit.ipvs.IpvsException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * ipvsadm -R: service and server changes go to the kernel in one batch; with --in-memory any command runs, in
 * order. As in ipvsadm, a line the kernel (or the in-memory table) refuses is reported and the rest still apply,
 * while a line that cannot be read as a command (a usage error, which ends ipvsadm at once) stops the reading
 * there: the lines before it apply, the lines after it are not read, and the exit status is 2. A closing line
 * says how many command lines were applied and which were not.
 */
final class IpvsadmRestore {
  /** Runs one command line of an {@code --in-memory} session, where any command may appear; returns its status. */
  interface Executor {
    int execute(IpvsadmArgs a) throws IpvsException, UsageException, IOException;
  }

  private IpvsadmRestore() {}

  /**
   * Reads the rules from {@code in} and applies them to {@code ipvs}: batched, or line by line through {@code
   * executor} when {@code inMemory}. Reports to {@code err}; returns 0, 1 when a line was refused, 2 when the reading
   * stopped at a line that is not a command.
   */
  static int run(InputStream in, IpvsClient ipvs, boolean inMemory, Executor executor, PrintStream err)
      throws IOException, IpvsException, UsageException {
    LineReader r = new LineReader(in);
    List<IpvsChange> changes = new ArrayList<>();
    List<Integer> lineOf = new ArrayList<>();
    ServiceKeyCache keys = new ServiceKeyCache();
    List<Integer> failed = new ArrayList<>();
    int commands = 0;
    int n = 0;
    boolean stopped = false;
    while (!stopped) {
      String line;
      try {
        line = r.readLine();
      } catch (IOException e) {
        commands++;
        failed.add(++n);
        err.println("lbkit ipvsadm -R: line " + n + ": cannot read it: " + e.getMessage() + "; reading stopped there");
        break;
      }
      if (line == null) {
        break;
      }
      n++;
      String text = line.trim();
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      commands++;
      IpvsadmArgs a;
      try {
        a = IpvsadmParser.parse(IpvsadmParser.tokens(text), keys);
      } catch (UsageException | IllegalArgumentException e) {
        stopped = stop(err, n, e, failed);
        continue;
      }
      try {
        IpvsChange c = a.change();
        if (a.command.equals("-R")) {
          // it would read on from the same stdin, past lines this reader holds: refused, as ipvsadm refuses it
          throw new UsageException("-R cannot run inside -R");
        } else if (c != null && !inMemory) {
          changes.add(c);
          lineOf.add(n);
        } else if (c != null || inMemory) {
          executor.execute(a);
        } else {
          throw new UsageException("-R takes -A, -E, -D, -a, -e and -d lines, not " + a.command);
        }
      } catch (UsageException | IllegalArgumentException e) {
        stopped = stop(err, n, e, failed);
      } catch (IpvsException e) {
        err.println("lbkit ipvsadm -R: line " + n + ": " + e.getMessage());
        failed.add(n);
      }
    }
    String stop = stopped ? "; reading stopped at line " + n + ", as ipvsadm stops at a line it cannot read" : "";
    int status = stopped ? 2 : 1;
    if (!changes.isEmpty()) {
      List<Optional<IpvsException>> results;
      try {
        results = ipvs.execute(changes);
      } catch (IpvsException e) {
        failed.sort(null);
        err.println("lbkit ipvsadm -R: the batch to the kernel broke off (" + e.getMessage() + "): whether "
            + lines(lineOf) + (lineOf.size() == 1 ? " was" : " were") + " applied is unknown; compare ipvsadm -Sn"
            + (failed.isEmpty() ? "" : "; " + lines(failed) + (failed.size() == 1 ? " was" : " were")
            + " not applied") + stop);
        return status;
      }
      List<Integer> refused = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        if (results.get(i).isPresent()) {
          err.println("lbkit ipvsadm -R: line " + lineOf.get(i) + ": " + results.get(i).get().getMessage());
          refused.add(lineOf.get(i));
        }
      }
      failed.addAll(refused);
      failed.sort(null);
    }
    if (failed.isEmpty()) {
      return 0;
    }
    err.println("lbkit ipvsadm -R: " + (commands - failed.size()) + " of " + commands
        + " command lines applied; not applied: " + lines(failed) + stop);
    return status;
  }


  /** Reports line {@code n}'s usage error and records it as not applied; always true: the reading stops. */
  private static boolean stop(PrintStream err, int n, Exception e, List<Integer> failed) {
    err.println("lbkit ipvsadm -R: line " + n + ": " + e.getMessage());
    failed.add(n);
    return true;
  }

  /** {@code line 3} or {@code lines 3, 5-7}. */
  private static String lines(List<Integer> lines) {
    return (lines.size() == 1 ? "line " : "lines ") + lineRanges(lines);
  }

  /** Ascending line numbers as {@code 3, 5-7, 9}. */
  static String lineRanges(List<Integer> lines) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lines.size(); ) {
      int j = i;
      while (j + 1 < lines.size() && lines.get(j + 1) == lines.get(j) + 1) {
        j++;
      }
      sb.append(sb.length() == 0 ? "" : ", ").append(lines.get(i));
      if (j > i) {
        sb.append('-').append(lines.get(j));
      }
      i = j + 1;
    }
    return sb.toString();
  }

  /**
   * Lines of UTF-8 text, split at {@code \n} (a {@code \r} before it is dropped, as {@code BufferedReader} does for
   * {@code \r\n}). Reads bytes and makes ASCII lines without a detour through a char buffer: a restore file has a
   * hundred thousand lines, and the JVM in the kernel lab is slow.
   */
  static final class LineReader {
    /** Far beyond any ipvsadm line (a few hundred bytes); a power of two times the first buffer. */
    static final int MAX_LINE_BYTES = 1 << 20;
    private final InputStream in;
    private byte[] buf = new byte[64 << 10];
    private int start;
    private int end;
    private boolean eof;

    LineReader(InputStream in) {
      this.in = in;
    }

    String readLine() throws IOException {
      int scanned = start;
      while (true) {
        for (int i = scanned; i < end; i++) {
          if (buf[i] == '\n') {
            String line = text(start, i > start && buf[i - 1] == '\r' ? i - 1 : i);
            start = i + 1;
            return line;
          }
        }
        scanned = end;
        if (eof) {
          if (start == end) {
            return null;
          }
          String line = text(start, buf[end - 1] == '\r' ? end - 1 : end);
          start = end;
          return line;
        }
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          scanned -= start;
          end -= start;
          start = 0;
        }
        if (end == buf.length) {
          if (end >= MAX_LINE_BYTES) {
            // a stream without newlines (a binary file, /dev/zero) would otherwise grow this until the heap is gone
            throw new IOException("longer than " + (MAX_LINE_BYTES >> 20)
                + " MiB without a newline: not ipvsadm rules");
          }
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
        int got = in.read(buf, end, buf.length - end);
        if (got < 0) {
          eof = true;
        } else {
          end += got;
        }
      }
    }

    private String text(int from, int to) {
      for (int i = from; i < to; i++) {
        if (buf[i] < 0) {
          return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
      }
      return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }
}
