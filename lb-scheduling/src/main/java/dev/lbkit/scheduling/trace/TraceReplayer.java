package dev.lbkit.scheduling.trace;

import static java.util.Objects.requireNonNull;

import dev.lbkit.api.io.InputFiles;
import dev.lbkit.scheduling.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads scheduler trace files (JSON Lines, one scenario per line) and replays each record with the format it
 * belongs to. Results come out in input order; a bad record is reported with file, line and reason and the rest of
 * the file still runs. Blank lines are ignored.
 *
 * <pre>{@code
 * TraceReplayer.standard().replay(Path.of("rr.jsonl"), r -> System.out.println(r.toJsonLine()),
 *     e -> System.err.println(e.getMessage()));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TraceReplayer {
  private final List<TraceFormat> formats;

  /** A replayer for these formats, tried in order. */
  public TraceReplayer(List<TraceFormat> formats) {
    this.formats = List.copyOf(requireNonNull(formats, "formats"));
  }

  /** Every format lbkit knows: IPVS records ({@code scheduler}) and those other engines register. */
  public static TraceReplayer standard() {
    return new TraceReplayer(TraceFormats.all());
  }

  /**
   * The largest trace file {@link #replay} reads: 64 MiB, over twenty times the largest trace lbkit ships (2.4 MB of
   * haproxy {@code balance uri} picks). Records are lines of their own, so a larger trace splits into files.
   */
  public static final long MAX_FILE_BYTES = 64L << 20;

  /**
   * Replays every record of a file. A regular file larger than {@link #MAX_FILE_BYTES} is refused before any record
   * runs; an endless input (a device, a pipe) stops with the same error once past it.
   *
   * @param results receives each record's picks, in input order
   * @param errors receives each record that could not be replayed, and the file itself if it cannot be read (line 0;
   *     a file too large has an {@link dev.lbkit.api.io.InputTooLargeException} as the cause, with the limit)
   * @return the number of records that failed (0 when all replayed or were skipped)
   */
  public int replay(Path file, Consumer<ReplayResult> results, Consumer<TraceException> errors) {
    requireNonNull(file, "file");
    int failed = 0;
    try (BufferedReader in = InputFiles.openUtf8(file, MAX_FILE_BYTES, "trace")) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          replayLine(line).ifPresent(results);
        } catch (TraceRecordException e) {
          failed++;
          errors.accept(new TraceException(file, number, e.getMessage(), e.getCause()));
        }
      }
    } catch (IOException e) {
      failed++;
      errors.accept(cannotRead(file, e));
    } catch (UncheckedIOException e) {
      failed++;
      errors.accept(cannotRead(file, e.getCause()));
    }
    return failed;
  }

  private static TraceException cannotRead(Path file, IOException e) {
    return new TraceException(file, 0, "cannot read the file: " + InputFiles.reason(e), e);
  }

  /**
   * Replays one record given as its JSON text.
   *
   * @return the picks, or empty when the record is skipped
   * @throws TraceRecordException if the text is not a JSON object, belongs to no known format, or fails to replay
   */
  public Optional<ReplayResult> replayLine(String json) throws TraceRecordException {
    Map<String, Object> record;
    try {
      record = Json.parseObject(json);
    } catch (Json.JsonException e) {
      throw new TraceRecordException("not a JSON object: " + e.getMessage(), e);
    }
    for (TraceFormat f : formats) {
      if (record.containsKey(f.key())) {
        try {
          return f.replay(record);
        } catch (RuntimeException e) {
          throw new TraceRecordException("replay failed: " + e, e);
        }
      }
    }
    StringBuilder keys = new StringBuilder();
    for (TraceFormat f : formats) {
      keys.append(keys.length() == 0 ? "" : " or ").append('\'').append(f.key()).append('\'');
    }
    throw new TraceRecordException("record has no " + keys + " key, so its format is unknown");
  }
}
