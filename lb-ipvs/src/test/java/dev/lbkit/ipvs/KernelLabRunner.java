package dev.lbkit.ipvs;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs test classes with the JUnit Platform inside the kernel lab VM (started by {@link KernelLabIT}) and prints
 * one line per test and a summary. Exit status 0 only when tests ran and none failed.
 */
public final class KernelLabRunner {
  private KernelLabRunner() {}

  public static void main(String[] args) throws ClassNotFoundException {
    List<ClassSelector> selectors = new ArrayList<>();
    for (String name : args) {
      selectors.add(selectClass(Class.forName(name)));
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    SummaryGeneratingListener summary = new SummaryGeneratingListener();
    long start = System.nanoTime();
    Map<String, Long> started = new ConcurrentHashMap<>();
    TestExecutionListener lines = new TestExecutionListener() {
      @Override
      public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
      }

      // each line with the test's own time and the time since the runner started: where the lab run goes
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        long now = System.nanoTime();
        long began = started.getOrDefault(id.getUniqueId(), now);
        if (id.isTest()) {
          String testClass = id.getUniqueId().replaceAll(".*\\[class:([^\\]]*)\\].*", "$1");
          out.printf(Locale.ROOT, "[lab] %-7s %s %s (%.1f s, at +%.1f s)%n", result.getStatus(),
              id.getLegacyReportingName(), testClass, (now - began) / 1e9, (now - start) / 1e9);
          result.getThrowable().ifPresent(t -> out.println("[lab]         " + t));
        } else if (id.getSource().filter(ClassSource.class::isInstance).isPresent()) {
          out.printf(Locale.ROOT, "[lab] class %s: %.1f s with its set-up%n", id.getLegacyReportingName(),
              (now - began) / 1e9);
        }
      }
    };
    Launcher launcher = LauncherFactory.create();
    launcher.execute(LauncherDiscoveryRequestBuilder.request().selectors(selectors).build(), summary, lines);
    TestExecutionSummary s = summary.getSummary();
    s.printFailuresTo(out, 25);
    out.printf(Locale.ROOT, "[lab] %d tests, %d succeeded, %d failed, %d aborted, %d skipped%n",
        s.getTestsFoundCount(), s.getTestsSucceededCount(), s.getTotalFailureCount(), s.getTestsAbortedCount(),
        s.getTestsSkippedCount());
    out.flush();
    System.exit(s.getTestsFoundCount() > 0 && s.getTotalFailureCount() == 0 && s.getTestsAbortedCount() == 0 ? 0 : 1);
  }
}
