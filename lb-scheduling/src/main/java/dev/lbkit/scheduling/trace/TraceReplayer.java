package dev.lbkit.scheduling.trace;

import static java.util.Objects.requireNonNull;

import dev.lbkit.scheduling.internal.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
   * Replays every record of a file.
   *
   * @param results receives each record's picks, in input order
   * @param errors receives each record that could not be replayed, and the file itself if it cannot be read
   * @return the number of records that failed (0 when all replayed or were skipped)
   */
  public int replay(Path file, Consumer<ReplayResult> results, Consumer<TraceException> errors) {
    requireNonNull(file, "file");
    int failed = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
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
    } catch (IOException | UncheckedIOException e) {
      failed++;
      String why = e instanceof NoSuchFileException ? "no such file"
          : e instanceof AccessDeniedException ? "permission denied"
          : e instanceof CharacterCodingException || e.getCause() instanceof CharacterCodingException
              ? "not UTF-8 text" : e.toString();
      errors.accept(new TraceException(file, 0, "cannot read the file: " + why, e));
    }
    return failed;
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
