package dev.lbkit.api.io;

import dev.lbkit.api.Beta;
import java.nio.file.FileSystemException;
import java.nio.file.Path;

/**
 * An input file larger than the limit its reader sets. As for any {@link FileSystemException}, {@link #getFile()}
 * names the file and {@link #getReason()} says what is wrong, e.g. {@code larger than 32 MiB, more than any
 * configuration needs}.
 */
@Beta
public final class InputTooLargeException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  private final long limitBytes;

  /**
   * @param file the file refused
   * @param limitBytes the most bytes its reader takes
   * @param what what the file holds, for the reason: {@code configuration} gives {@code more than any configuration
   *     needs}
   */
  public InputTooLargeException(Path file, long limitBytes, String what) {
    super(String.valueOf(file), null, "larger than " + size(limitBytes) + ", more than any " + what + " needs");
    this.limitBytes = limitBytes;
  }

  /** The most bytes the reader takes. */
  public long limitBytes() {
    return limitBytes;
  }

  /** {@code 32 MiB} for whole mebibytes, else {@code 1000 bytes}. */
  static String size(long bytes) {
    return bytes > 0 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
  }
}
