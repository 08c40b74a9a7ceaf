package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;
import java.net.InetAddress;

/** HAProxy {@code balance source}: the client address picks the server. */
public final class SourceScheduler extends HashingScheduler {
  /** The algorithm's name in {@code balance}. */
  public static final String NAME = "source";

  /*
   * backend.c get_server_sh, re-expressed: the key is the source address as a 32-bit number (IPv4 read big-endian;
   * IPv6 the XOR of its four big-endian words). The hash-type's function is NOT applied, only avalanche when
   * configured; then map (key mod slots) or ring lookup. With one server in use the key is 0.
   */

  SourceScheduler(HaproxyBackend backend, HashType hashType) {
    super(backend, hashType);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  Long hashOf(Request request, byte[] body) {
    if (singleServer()) {
      return 0L;
    }
    long h = addressKey(request.flow().source());
    return hashType().avalanche() ? HashFunction.avalanche(h) : h;
  }

  /** The address folded to 32 bits as HAProxy folds it. */
  static long addressKey(InetAddress address) {
    byte[] a = address.getAddress();
    int h = 0;
    for (int i = 0; i + 4 <= a.length; i += 4) {
      h ^= ((a[i] & 0xff) << 24) | ((a[i + 1] & 0xff) << 16) | ((a[i + 2] & 0xff) << 8) | (a[i + 3] & 0xff);
    }
    return h & HashFunction.MASK;
  }
}
