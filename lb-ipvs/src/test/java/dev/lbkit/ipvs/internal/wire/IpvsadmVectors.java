package dev.lbkit.ipvs.internal.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The netlink messages of the real ipvsadm in src/test/resources (see lab/kernel/capture-ipvsadm for their origin). */
final class IpvsadmVectors {
  /** One ipvsadm run: what it sent, what it received, what it printed. */
  record Run(String args, List<byte[]> sent, List<byte[]> received, List<String> output) {}

  static final String RESOURCE = "ipvsadm-vectors.txt";

  private IpvsadmVectors() {}

  /** The runs by ipvsadm command line; a command line that occurs twice keeps its last run. */
  static Map<String, Run> load() {
    Map<String, Run> runs = new LinkedHashMap<>();
    try (InputStream in = IpvsadmVectors.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + RESOURCE + " is missing");
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      Run current = null;
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("## ")) {
          current = new Run(line.substring(3), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
          runs.put(current.args(), current);
        } else if (current != null && line.startsWith("> ")) {
          current.sent().add(HexFormat.of().parseHex(line.substring(2)));
        } else if (current != null && line.startsWith("< ")) {
          current.received().add(HexFormat.of().parseHex(line.substring(2)));
        } else if (current != null && line.startsWith("# out: ")) {
          current.output().add(line.substring(7));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runs;
  }
}
