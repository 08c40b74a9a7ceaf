package dev.lbkit.vrrp.lab;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Runs the calling thread of a lab instrument (the VIP watcher, the signaller) SCHED_FIFO, so what it stamps is when
 * the kernel acted, not when the instrument next got a CPU: traced in the lab, a watcher of the normal policy read
 * the VIP event up to 2.6 ms late, behind the harness's threads, the compiler threads of young JVMs and (for lbkit)
 * the takeover window's real-time engine. The priority is above lbkit's takeover window (1); only this thread is
 * raised, not the instrument JVM's compiler or GC threads.
 */
final class LabRealtime {
  private static final int SCHED_OTHER = 0; // SCHED_OTHER
  private static final int SCHED_FIFO = 1; // SCHED_FIFO
  private static final C LIBC = Native.load("c", C.class);
  /** Above VrrpTransport.beginTakeover's priority 1, so a watcher is never queued behind a takeover it measures. */
  static final int INSTRUMENT_PRIORITY = 2;

  /** sched_setscheduler(2); pid 0 is the calling thread, the param a struct sched_param (one int). */
  interface C extends Library {
    int sched_setscheduler(int pid, int policy, int[] param);
  }

  private LabRealtime() {}

  /** Raises the calling thread, or fails: an instrument that cannot be raised would measure the old way, silently. */
  static void raiseCallingThread() {
    if (LIBC.sched_setscheduler(0, SCHED_FIFO, new int[] {INSTRUMENT_PRIORITY}) != 0) {
      throw new IllegalStateException("sched_setscheduler(SCHED_FIFO) failed, errno " + Native.getLastError());
    }
  }

  /** Back to the normal policy (a thread may always lower itself). */
  static void lowerCallingThread() {
    LIBC.sched_setscheduler(0, SCHED_OTHER, new int[] {0});
  }
}
