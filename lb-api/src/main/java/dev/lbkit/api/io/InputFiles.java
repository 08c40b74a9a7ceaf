package dev.lbkit.api.io;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.Beta;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads an operator's input files within a size limit and words their read failures for an operator. A file larger
 * than the limit is refused with an {@link InputTooLargeException} before anything of it is used: a regular file by
 * its size, before a byte is read; anything else (a device such as {@code /dev/zero}, a pipe) once the limit is
 * passed, so an endless input never fills the heap.
 *
 * <pre>{@code
 * try {
 *   byte[] conf = InputFiles.readAll(path, 32 << 20, "configuration");
 *   ...
 * } catch (IOException e) {
 *   System.err.println("cannot read " + path + ": " + InputFiles.reason(e)); // ...: no such file
 * }
 * }</pre>
 *
 * <p>Stateless and thread-safe.
 */
@Beta
public final class InputFiles {
  private InputFiles() {}

  /**
   * The whole file, at most {@code limitBytes} of it.
   *
   * @param what what the file holds, for the refusal's reason (see {@link InputTooLargeException})
   * @throws InputTooLargeException if the file has more than {@code limitBytes} bytes
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if {@code limitBytes} is negative or {@code Integer.MAX_VALUE}
   */
  public static byte[] readAll(Path file, int limitBytes, String what) throws IOException {
    checkArguments(file, limitBytes, Integer.MAX_VALUE - 1, what);
    checkSize(file, limitBytes, what);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(limitBytes + 1);
      if (bytes.length > limitBytes) {
        throw new InputTooLargeException(file, limitBytes, what);
      }
      return bytes;
    }
  }

  /**
   * The file as a stream that fails with an {@link InputTooLargeException} once more than {@code limitBytes} bytes
   * are read from it; a regular file that is already larger is refused here, before its first byte is read. For
   * files read piece by piece (one record a line), which a larger regular file must not half apply.
   *
   * @throws InputTooLargeException if the file is a regular file of more than {@code limitBytes} bytes
   * @throws IOException if it cannot be opened
   * @throws IllegalArgumentException if {@code limitBytes} is negative
   */
  public static InputStream open(Path file, long limitBytes, String what) throws IOException {
    checkArguments(file, limitBytes, Long.MAX_VALUE, what);
    checkSize(file, limitBytes, what);
    return new Bounded(Files.newInputStream(file), file, limitBytes, what);
  }

  /**
   * The file as UTF-8 text, read line by line within {@code limitBytes} as {@link #open} does. Bytes that are not
   * UTF-8 fail the read with a {@link java.nio.charset.MalformedInputException} ({@link #reason}: {@code not UTF-8
   * text}) instead of being replaced, as a reader given only the charset would do.
   *
   * @throws InputTooLargeException if the file is a regular file of more than {@code limitBytes} bytes
   * @throws IOException if it cannot be opened
   * @throws IllegalArgumentException if {@code limitBytes} is negative
   */
  public static BufferedReader openUtf8(Path file, long limitBytes, String what) throws IOException {
    return new BufferedReader(new InputStreamReader(open(file, limitBytes, what), StandardCharsets.UTF_8.newDecoder()));
  }

  /**
   * Why {@code e} failed, in an operator's words: {@code no such file}, {@code permission denied}, {@code not UTF-8
   * text}, the system's reason ({@code Is a directory}), or this library's ({@code larger than 32 MiB, ...}); without
   * the file's name, which the caller puts where its messages put it.
   */
  public static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof CharacterCodingException || e.getCause() instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

  private static void checkArguments(Path file, long limitBytes, long maxLimit, String what) {
    requireNonNull(file, "file");
    requireNonNull(what, "what");
    if (limitBytes < 0 || limitBytes > maxLimit) {
      throw new IllegalArgumentException("limit must be in [0, " + maxLimit + "] bytes but was " + limitBytes);
    }
  }

  /** Refuses a regular file by its size; a device or pipe has none and is counted as it is read. */
  private static void checkSize(Path file, long limitBytes, String what) throws IOException {
    if (Files.isRegularFile(file) && Files.size(file) > limitBytes) {
      throw new InputTooLargeException(file, limitBytes, what);
    }
  }

  /** Counts what is read and fails past the limit. */
  private static final class Bounded extends FilterInputStream {
    private final Path file;
    private final long limitBytes;
    private final String what;
    private long read;

    Bounded(InputStream in, Path file, long limitBytes, String what) {
      super(in);
      this.file = file;
      this.limitBytes = limitBytes;
      this.what = what;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(n);
      count(skipped);
      return skipped;
    }

    private void count(long n) throws InputTooLargeException {
      read += n;
      if (read > limitBytes) {
        throw new InputTooLargeException(file, limitBytes, what);
      }
    }
  }
}
