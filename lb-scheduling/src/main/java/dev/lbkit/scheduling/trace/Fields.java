package dev.lbkit.scheduling.trace;

import java.util.List;
import java.util.Map;

/** Typed reads from parsed JSON with errors that name the field. */
final class Fields {
  private Fields() {}

  static Object required(Map<String, Object> m, String key, String path) throws TraceRecordException {
    if (!m.containsKey(key)) {
      throw new TraceRecordException(path + key + ": missing");
    }
    return m.get(key);
  }

  static String string(Map<String, Object> m, String key, String path) throws TraceRecordException {
    Object v = required(m, key, path);
    if (!(v instanceof String s)) {
      throw new TraceRecordException(path + key + ": expected a string but was " + describe(v));
    }
    return s;
  }

  static long integer(Map<String, Object> m, String key, String path) throws TraceRecordException {
    return integer(required(m, key, path), path + key);
  }

  static long integer(Object v, String where) throws TraceRecordException {
    if (!(v instanceof Long l)) {
      throw new TraceRecordException(where + ": expected an integer but was " + describe(v));
    }
    return l;
  }

  static int intIn(Map<String, Object> m, String key, String path, long min, long max) throws TraceRecordException {
    long v = integer(m, key, path);
    if (v < min || v > max) {
      throw new TraceRecordException(path + key + ": must be in [" + min + ", " + max + "] but was " + v);
    }
    return (int) v;
  }

  static boolean bool(Map<String, Object> m, String key, String path) throws TraceRecordException {
    Object v = required(m, key, path);
    if (!(v instanceof Boolean b)) {
      throw new TraceRecordException(path + key + ": expected true or false but was " + describe(v));
    }
    return b;
  }

  static List<Object> list(Map<String, Object> m, String key, String path) throws TraceRecordException {
    Object v = required(m, key, path);
    if (!(v instanceof List)) {
      throw new TraceRecordException(path + key + ": expected an array but was " + describe(v));
    }
    @SuppressWarnings("unchecked")
    List<Object> l = (List<Object>) v;
    return l;
  }

  static Map<String, Object> object(Object v, String where) throws TraceRecordException {
    if (!(v instanceof Map)) {
      throw new TraceRecordException(where + ": expected an object but was " + describe(v));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = (Map<String, Object>) v;
    return m;
  }

  static String describe(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof String) {
      return "a string";
    }
    if (v instanceof List) {
      return "an array";
    }
    if (v instanceof Map) {
      return "an object";
    }
    return v.toString();
  }
}
