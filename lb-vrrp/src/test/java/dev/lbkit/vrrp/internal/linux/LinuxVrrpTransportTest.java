package dev.lbkit.vrrp.internal.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.RandomAccessFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Linux transport's own descriptors (rtnetlink, wake-up eventfd, timerfd: no privilege needed) are closed once:
 * a second close() must not close descriptors that reused their numbers meanwhile.
 */
final class LinuxVrrpTransportTest {

  @Test
  void secondClose_leavesDescriptorsThatReusedTheNumbersAlone() throws Exception {
    assumeTrue(LibC.unavailabilityCause() == null, "needs 64-bit Linux");
    LinuxVrrpTransport t = new LinuxVrrpTransport();
    t.close();
    // the lowest free numbers go to the next opens: these take the transport's old ones
    List<RandomAccessFile> files = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        files.add(new RandomAccessFile("/proc/self/stat", "r"));
      }
      t.close();
      for (RandomAccessFile f : files) {
        f.seek(0);
        assertTrue(f.read() >= 0, "a file opened after the first close() still reads");
      }
    } finally {
      for (RandomAccessFile f : files) {
        f.close();
      }
    }
  }
}
