package dev.lbkit.vrrp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.lbkit.vrrp.spi.VrrpTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The Linux transport's takeover window ({@link VrrpTransport#beginTakeover()} / {@link VrrpTransport#endTakeover()}),
 * read back from the kernel: the engine thread runs SCHED_FIFO at priority 1 inside it and SCHED_OTHER again after it;
 * only the thread that opened the window is touched. Needs CAP_SYS_NICE (root), as the lab's routers have.
 */
final class TakeoverPriorityIT {
  private static final int SCHED_OTHER = 0;
  private static final int SCHED_FIFO = 1;

  /** The calling thread's {policy, rt_priority} from /proc/thread-self/stat (fields 41 and 40, proc(5)). */
  private static int[] policy() {
    try {
      String stat = Files.readString(Path.of("/proc/thread-self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // f[0] is field 3 (state)
      return new int[] {Integer.parseInt(f[41 - 3]), Integer.parseInt(f[40 - 3])};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void onThread(Runnable r) throws InterruptedException {
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        r.run();
      } catch (Throwable e) {
        failure.set(e);
      }
    });
    t.start();
    t.join();
    if (failure.get() instanceof AssertionError a) {
      throw a;
    } else if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  @Test
  void window_runsTheEngineThreadFifo_andEndsBackToNormal() throws Exception {
    try (VrrpTransport transport = LinuxVrrp.transport()) {
      onThread(() -> {
        assertEquals(SCHED_OTHER, policy()[0], "a fresh thread");
        transport.beginTakeover();
        assertEquals(SCHED_FIFO, policy()[0], "inside the window");
        assertEquals(1, policy()[1], "the lowest real-time priority");
        transport.beginTakeover(); // already open: nothing changes
        assertEquals(SCHED_FIFO, policy()[0]);
        transport.endTakeover();
        assertEquals(SCHED_OTHER, policy()[0], "after the window");
        assertEquals(0, policy()[1]);
        transport.endTakeover(); // idempotent
        assertEquals(SCHED_OTHER, policy()[0]);
        transport.beginTakeover(); // a second window, as the next takeover opens
        assertEquals(SCHED_FIFO, policy()[0]);
        transport.endTakeover();
        assertEquals(SCHED_OTHER, policy()[0]);
      });
    }
  }

  /** sched_setscheduler(2) for the test's own threads. */
  interface C extends Library {
    int sched_setscheduler(int pid, int policy, int[] param);
  }

  @Test
  void window_leavesAThreadTheApplicationMadeRealTime_asItWas() throws Exception {
    C c = Native.load("c", C.class);
    try (VrrpTransport transport = LinuxVrrp.transport()) {
      onThread(() -> {
        assertEquals(0, c.sched_setscheduler(0, SCHED_FIFO, new int[] {5}), "the test thread made FIFO 5");
        transport.beginTakeover();
        assertEquals(SCHED_FIFO, policy()[0]);
        assertEquals(5, policy()[1], "not lowered to the window's priority 1");
        transport.endTakeover();
        assertEquals(SCHED_FIFO, policy()[0], "not returned to SCHED_OTHER by the window's end");
        assertEquals(5, policy()[1]);
      });
    }
  }

  @Test
  void endTakeover_onAnotherThread_touchesNeitherThread() throws Exception {
    try (VrrpTransport transport = LinuxVrrp.transport()) {
      onThread(() -> {
        transport.beginTakeover();
        try {
          onThread(() -> {
            transport.endTakeover();
            assertEquals(SCHED_OTHER, policy()[0], "the other thread stays as it was");
          });
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
        assertEquals(SCHED_FIFO, policy()[0], "the engine thread's window is still open");
        transport.endTakeover();
        assertEquals(SCHED_OTHER, policy()[0]);
      });
    }
  }
}
