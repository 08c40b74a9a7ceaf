package dev.lbkit.scheduling.trace;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a scheduler picked for one trace record: the record's name and one entry per pick, {@code null} where nothing
 * was picked. Immutable.
 *
 * @param name the record's {@code name} (IPVS) or {@code scenario} (haproxy)
 * @param picks a destination {@code a.b.c.d:port} (IPVS) or a server name (haproxy), or null, per pick
 */
public record ReplayResult(String name, List<String> picks) {
  public ReplayResult {
    requireNonNull(name, "name");
    picks = Collections.unmodifiableList(new ArrayList<>(requireNonNull(picks, "picks")));
  }

  /** The output line of {@code lbkit sched replay}: {@code {"name":"basic3","picks":["10.0.0.3:80",null]}}. */
  public String toJsonLine() {
    StringBuilder b = new StringBuilder(32 + picks.size() * 16);
    b.append("{\"name\":");
    quote(b, name);
    b.append(",\"picks\":[");
    for (int i = 0; i < picks.size(); i++) {
      if (i > 0) {
        b.append(',');
      }
      String p = picks.get(i);
      if (p == null) {
        b.append("null");
      } else {
        quote(b, p);
      }
    }
    return b.append("]}").toString();
  }

  private static void quote(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    b.append('"');
  }
}
