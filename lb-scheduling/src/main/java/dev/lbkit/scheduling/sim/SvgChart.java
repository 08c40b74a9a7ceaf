package dev.lbkit.scheduling.sim;

import java.util.List;
import java.util.Locale;

/** Draws a {@link SimulationReport} as a self-contained SVG document, by hand. */
final class SvgChart {
  private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
      "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

  private SvgChart() {}

  static String render(List<SimDestination> ds, List<SimulationReport.Result> results, SimulationReport report) {
    int nd = ds.size();
    int barW = Math.max(6, Math.min(28, 360 / Math.max(1, nd)));
    int groupW = nd * barW + 40;
    int chartH = 220;
    int left = 60;
    int top = 50;
    int width = left + Math.max(1, results.size()) * groupW + 180;
    int height = top + chartH + 120;
    double totalWeight = ds.stream().mapToInt(SimDestination::weight).sum();
    double maxShare = 0;
    for (SimulationReport.Result r : results) {
      long sum = 0;
      for (long p : r.picks()) {
        sum += p;
      }
      for (long p : r.picks()) {
        maxShare = Math.max(maxShare, sum == 0 ? 0 : p / (double) sum);
      }
    }
    for (SimDestination d : ds) {
      maxShare = Math.max(maxShare, totalWeight == 0 ? 0 : d.weight() / totalWeight);
    }
    double scale = maxShare == 0 ? 1 : chartH / (maxShare * 1.1);
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", width, height, width, height));
    s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"15\" font-weight=\"bold\">"
        + "Share of connections per destination (tick: share of weight)</text>%n", left));
    int baseY = top + chartH;
    // y axis with gridlines at 10% steps
    for (int pct = 0; pct <= 100; pct += 10) {
      double y = baseY - pct / 100.0 * scale;
      if (y < top - 5) {
        break;
      }
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          left, y, width - 170, y));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>%n", left - 6,
          y + 4, pct));
    }
    for (int g = 0; g < results.size(); g++) {
      SimulationReport.Result r = results.get(g);
      long[] picks = r.picks();
      long sum = 0;
      for (long p : picks) {
        sum += p;
      }
      int x0 = left + g * groupW + 20;
      for (int d = 0; d < nd; d++) {
        double share = sum == 0 ? 0 : picks[d] / (double) sum;
        double h = share * scale;
        int x = x0 + d * barW;
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\">"
            + "<title>%s: %s %d connections (%.1f%%)</title></rect>%n", x, baseY - h, barW - 2, h,
            COLORS[d % COLORS.length], escape(r.scheduler()), escape(ds.get(d).name()), picks[d], share * 100));
        double want = totalWeight == 0 ? 0 : ds.get(d).weight() / totalWeight;
        double wy = baseY - want * scale;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"black\" "
            + "stroke-width=\"2\"/>%n", x - 1, wy, x + barW - 1, wy));
      }
      int cx = x0 + (nd * barW) / 2;
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-weight=\"bold\">"
          + "%s</text>%n", cx, baseY + 18, escape(r.scheduler())));
      double dis = report.meanDisruption(r);
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">max/mean %.3f, cv %.3f"
          + "</text>%n", cx, baseY + 34, report.imbalance(r), report.cv(r)));
      s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">p99 %.2f ms%s</text>%n",
          cx, baseY + 50, r.responseQuantile(0.99) / 1000.0,
          Double.isNaN(dis) ? "" : String.format(Locale.ROOT, ", disruption %.3f", dis)));
    }
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", left,
        baseY, width - 170, baseY));
    int lx = width - 160;
    for (int d = 0; d < nd; d++) {
      int y = top + d * 16;
      s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\">%s (weight %d)</text>%n", lx, y, COLORS[d % COLORS.length], lx + 14, y + 9,
          escape(ds.get(d).name()), ds.get(d).weight()));
    }
    s.append("</svg>\n");
    return s.toString();
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
