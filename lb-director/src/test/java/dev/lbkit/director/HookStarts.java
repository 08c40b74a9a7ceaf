package dev.lbkit.director;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The hooks a {@link NotifyRunner} starts, in the order it starts them. Hooks run side by side, as keepalived's do,
 * so what they write to a shared log may come in any order: the order under test is the start order, and the log
 * shows that each started hook really ran, with those arguments.
 */
final class HookStarts implements Consumer<List<String>> {
  private final List<List<String>> starts = new CopyOnWriteArrayList<>();

  private HookStarts() {}

  /** Watches the hooks {@code runner} starts from now on. */
  static HookStarts watch(NotifyRunner runner) {
    HookStarts h = new HookStarts();
    runner.observeStarts(h);
    return h;
  }

  @Override
  public void accept(List<String> argv) {
    starts.add(List.copyOf(argv));
  }

  /** The command line of each hook started so far, in start order. */
  List<List<String>> all() {
    return List.copyOf(starts);
  }

  /**
   * The arguments each hook was started with (after its program, joined by blanks), in start order, after checking
   * that {@code log}, where every hook appends its arguments as one line, holds the same lines in some order.
   */
  List<String> inStartOrder(Path log) throws IOException {
    return inStartOrder(log, argv -> String.join(" ", argv.subList(1, argv.size())));
  }

  /**
   * What {@code line} makes of each hook's command line, in start order, after checking that {@code log}, where
   * every hook appends one line, holds the same lines in some order.
   */
  List<String> inStartOrder(Path log, Function<List<String>, String> line) throws IOException {
    List<String> started = starts.stream().map(line).toList();
    List<String> expected = new ArrayList<>(started);
    List<String> written = Files.exists(log) ? new ArrayList<>(Files.readAllLines(log)) : new ArrayList<>();
    Collections.sort(expected);
    Collections.sort(written);
    assertEquals(expected, written, "the started hooks are the ones that ran, with these arguments");
    return started;
  }
}
