package dev.lbkit.scheduling.sim;

import dev.lbkit.api.Endpoint;
import dev.lbkit.api.Protocol;
import dev.lbkit.api.sched.Flow;
import dev.lbkit.api.sched.Request;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a workload from CSV: one event per line, times and durations in milliseconds (decimals allowed).
 *
 * <pre>
 * # comment lines and blank lines are skipped; an optional header line starts with "event"
 * event,time_ms,duration_ms,cost_ms,client,uri
 * conn,0.0,120.5,3.2,10.0.0.7,/cart?user=7      a connection; uri is optional
 * fail,5000,s2                                  destination s2 goes down
 * recover,8000,s2
 * weight,9000,s3,5                              s3's weight becomes 5
 * </pre>
 *
 * Connections must be in time order. A client is its address plus URI: each distinct pair is one request key.
 * Any bad line stops reading with a {@link CsvFormatException} naming the line and field: nothing is returned
 * partially.
 */
public final class CsvWorkload {
  private CsvWorkload() {}

  /**
   * Reads a whole CSV workload.
   *
   * @param source a name for messages, such as the file name
   * @throws CsvFormatException for the first bad line
   * @throws IOException if reading fails
   */
  public static Workload read(Reader reader, String source) throws IOException {
    BufferedReader in = reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
    LongList at = new LongList();
    LongList dur = new LongList();
    LongList cost = new LongList();
    List<Integer> who = new ArrayList<>();
    Map<String, Integer> clientIds = new HashMap<>();
    List<Request> clients = new ArrayList<>();
    List<Change> changes = new ArrayList<>();
    int number = 0;
    long last = 0;
    boolean content = false;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      number++;
      String t = line.trim();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      boolean header = !content && t.toLowerCase(Locale.ROOT).startsWith("event");
      content = true;
      if (header) {
        continue;
      }
      String[] f = t.split(",", -1);
      for (int i = 0; i < f.length; i++) {
        f[i] = f[i].trim();
      }
      switch (f[0].toLowerCase(Locale.ROOT)) {
        case "conn": {
          if (f.length < 5 || f.length > 6) {
            throw new CsvFormatException(source, number, "", "a conn line has 5 or 6 fields "
                + "(conn,time_ms,duration_ms,cost_ms,client[,uri]) but this one has " + f.length);
          }
          long time = millis(f[1], source, number, "time_ms");
          if (time < last) {
            throw new CsvFormatException(source, number, "time_ms", "connections must be in time order but "
                + f[1] + " ms comes after " + (last / 1000.0) + " ms");
          }
          last = time;
          at.add(time);
          dur.add(millis(f[2], source, number, "duration_ms"));
          cost.add(millis(f[3], source, number, "cost_ms"));
          InetAddress src;
          try {
            src = Endpoint.parse(f[4].contains(":") ? "[" + f[4] + "]" : f[4]).address();
          } catch (IllegalArgumentException e) {
            throw new CsvFormatException(source, number, "client", "must be an IP address but was '" + f[4] + "'");
          }
          String uri = f.length == 6 && !f[5].isEmpty() ? f[5] : "/";
          if (!uri.startsWith("/")) {
            throw new CsvFormatException(source, number, "uri", "must start with '/' but was '" + uri + "'");
          }
          String key = f[4] + " " + uri;
          Integer id = clientIds.get(key);
          if (id == null) {
            id = clients.size();
            clientIds.put(key, id);
            clients.add(request(src, uri, id));
          }
          who.add(id);
          break;
        }
        case "fail":
        case "recover": {
          if (f.length != 3 || f[2].isEmpty()) {
            throw new CsvFormatException(source, number, "", "a " + f[0] + " line is " + f[0]
                + ",time_ms,destination");
          }
          changes.add(new Change(millis(f[1], source, number, "time_ms"), f[2],
              f[0].equalsIgnoreCase("fail") ? Change.Kind.FAIL : Change.Kind.RECOVER, 0));
          break;
        }
        case "weight": {
          if (f.length != 4 || f[2].isEmpty()) {
            throw new CsvFormatException(source, number, "", "a weight line is weight,time_ms,destination,weight");
          }
          int w;
          try {
            w = Integer.parseInt(f[3]);
          } catch (NumberFormatException e) {
            w = -1;
          }
          if (w < 0) {
            throw new CsvFormatException(source, number, "weight", "must be a non-negative integer but was '" + f[3]
                + "'");
          }
          changes.add(new Change(millis(f[1], source, number, "time_ms"), f[2], Change.Kind.WEIGHT, w));
          break;
        }
        default:
          throw new CsvFormatException(source, number, "event", "must be conn, fail, recover or weight but was '"
              + f[0] + "'");
      }
    }
    if (at.size == 0) {
      throw new CsvFormatException(source, number, "", "the workload has no conn line");
    }
    int[] whoArray = who.stream().mapToInt(Integer::intValue).toArray();
    return new Workload(at.toArray(), dur.toArray(), cost.toArray(), whoArray, clients.toArray(new Request[0]),
        changes);
  }

  private static long millis(String text, String source, int line, String field) {
    try {
      double v = Double.parseDouble(text);
      if (v >= 0 && Double.isFinite(v)) {
        return Math.round(v * 1000);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new CsvFormatException(source, line, field, "must be a non-negative number of milliseconds but was '"
        + text + "'");
  }

  private static Request request(InetAddress src, String uri, int id) {
    Flow flow = new Flow(Protocol.TCP, src, 1024 + (id % 60000), Workload.VIP, 80, 0);
    String key = src.getHostAddress() + uri;
    return new Request(flow, "GET", uri, Map.of("Host", List.of("www.example.com"), "X-Key", List.of(key)),
        Optional.of(key));
  }

  /** A growable long array. */
  private static final class LongList {
    long[] a = new long[1024];
    int size;

    void add(long v) {
      if (size == a.length) {
        a = java.util.Arrays.copyOf(a, size * 2);
      }
      a[size++] = v;
    }

    long[] toArray() {
      return java.util.Arrays.copyOf(a, size);
    }
  }
}
