package dev.lbkit.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class InputFilesTest {
  private static final int MIB = 1 << 20;
  private static final Path ZERO = Path.of("/dev/zero");

  @TempDir
  Path dir;

  /** A file of {@code length} bytes that takes no disk: its length set, nothing written. */
  private Path sparse(String name, long length) throws IOException {
    Path f = dir.resolve(name);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      raf.setLength(length);
    }
    return f;
  }

  @Test
  void readAll_withinTheLimit_returnsTheBytes_alsoExactlyAtIt() throws IOException {
    Path f = Files.write(dir.resolve("small"), new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, InputFiles.readAll(f, 3, "configuration"));
    assertArrayEquals(new byte[MIB], InputFiles.readAll(sparse("one-mib", MIB), MIB, "configuration"));
  }

  @Test
  void readAll_ofARegularFileBeyondTheLimit_isATypedErrorNamingFileAndLimit() throws IOException {
    Path f = sparse("big.conf", 32L * MIB + 1);
    InputTooLargeException e = assertThrows(InputTooLargeException.class,
        () -> InputFiles.readAll(f, 32 * MIB, "configuration"));
    assertEquals(f.toString(), e.getFile());
    assertEquals(32L * MIB, e.limitBytes());
    assertEquals("larger than 32 MiB, more than any configuration needs", e.getReason());
    assertEquals(f + ": larger than 32 MiB, more than any configuration needs", e.getMessage());
    assertEquals("larger than 32 MiB, more than any configuration needs", InputFiles.reason(e));
  }

  @Test
  void readAll_ofAnEndlessDevice_stopsAtTheLimit() {
    InputTooLargeException e = assertThrows(InputTooLargeException.class,
        () -> InputFiles.readAll(ZERO, 1000, "trace"));
    assertEquals("larger than 1000 bytes, more than any trace needs", e.getReason());
    assertEquals(1000, e.limitBytes());
  }

  @Test
  void open_ofARegularFileBeyondTheLimit_isRefusedBeforeReading() throws IOException {
    Path f = sparse("big.jsonl", 64L * MIB + 1);
    InputTooLargeException e = assertThrows(InputTooLargeException.class,
        () -> InputFiles.open(f, 64L * MIB, "trace"));
    assertEquals(f.toString(), e.getFile());
    assertEquals("larger than 64 MiB, more than any trace needs", e.getReason());
    try (InputStream in = InputFiles.open(f, 64L * MIB + 1, "trace")) {
      assertEquals(0, in.read(), "a limit of the file's size takes it");
    }
  }

  @Test
  void open_ofAnEndlessDevice_failsOnceTheLimitIsPassed() throws IOException {
    try (InputStream in = InputFiles.open(ZERO, 100, "trace")) {
      assertEquals(60, in.readNBytes(60).length);
      assertEquals(0, in.read());
      assertEquals(39, in.readNBytes(39).length, "the 100th byte is within the limit");
      InputTooLargeException e = assertThrows(InputTooLargeException.class, in::read);
      assertEquals(ZERO.toString(), e.getFile());
      assertEquals(100, e.limitBytes());
    }
  }

  @Test
  void openUtf8_readsLines_refusesBytesThatAreNotUtf8_andKeepsTheLimit() throws IOException {
    Path text = Files.writeString(dir.resolve("text"), "gr\u00fc\u00df\nzwei\n"); // writeString: UTF-8
    try (java.io.BufferedReader r = InputFiles.openUtf8(text, 100, "trace")) {
      assertEquals("gr\u00fc\u00df", r.readLine());
      assertEquals("zwei", r.readLine());
      assertEquals(null, r.readLine());
    }
    Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'g', 'r', (byte) 0xfc, '\n'});
    try (java.io.BufferedReader r = InputFiles.openUtf8(latin1, 100, "trace")) {
      IOException e = assertThrows(IOException.class, r::readLine);
      assertEquals("not UTF-8 text", InputFiles.reason(e));
    }
    assertThrows(InputTooLargeException.class, () -> InputFiles.openUtf8(sparse("big", 101), 100, "trace"));
  }

  @Test
  void reason_wordsReadFailuresForAnOperator() throws IOException {
    assertEquals("no such file", InputFiles.reason(new NoSuchFileException("/x")));
    assertEquals("permission denied", InputFiles.reason(new AccessDeniedException("/x")));
    assertEquals("not UTF-8 text", InputFiles.reason(new MalformedInputException(1)));
    assertEquals("not UTF-8 text", InputFiles.reason(new IOException("decoding", new MalformedInputException(1))));
    assertEquals("Is a directory", InputFiles.reason(new FileSystemException("/x", null, "Is a directory")));
    assertEquals("disk on fire", InputFiles.reason(new IOException("disk on fire")));
    assertEquals("IOException", InputFiles.reason(new IOException()));
    IOException missing = assertThrows(IOException.class,
        () -> InputFiles.readAll(dir.resolve("absent"), 10, "configuration"));
    assertEquals("no such file", InputFiles.reason(missing));
  }

  @Test
  void limitsOutsideTheirRange_areRefused() {
    Path f = dir.resolve("any");
    assertEquals("limit must be in [0, 2147483646] bytes but was -1", assertThrows(IllegalArgumentException.class,
        () -> InputFiles.readAll(f, -1, "configuration")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> InputFiles.readAll(f, Integer.MAX_VALUE, "configuration"));
    assertThrows(IllegalArgumentException.class, () -> InputFiles.open(f, -1, "trace"));
  }
}
