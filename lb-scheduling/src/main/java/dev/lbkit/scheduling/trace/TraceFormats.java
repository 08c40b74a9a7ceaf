package dev.lbkit.scheduling.trace;

import java.util.ArrayList;
import java.util.List;

/** The trace formats lbkit knows. Each engine adds its format to {@link #all()}. */
public final class TraceFormats {
  private TraceFormats() {}

  /** IPVS ({@code scheduler} key) first, then the others. */
  public static List<TraceFormat> all() {
    List<TraceFormat> formats = new ArrayList<>();
    formats.add(new IpvsTraceFormat());
    formats.add(new HaproxyTraceFormat());
    return formats;
  }
}
