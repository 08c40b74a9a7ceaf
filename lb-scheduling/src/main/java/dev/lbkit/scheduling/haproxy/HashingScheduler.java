package dev.lbkit.scheduling.haproxy;

import dev.lbkit.api.sched.Request;

/**
 * The common part of HAProxy's hash algorithms ({@code source}, {@code uri}, {@code url_param}, {@code hdr},
 * {@code rdp-cookie}): a key taken from the request is hashed by the {@code hash-type}'s function (and
 * avalanche), then looked up map-based or on the consistent ring. A missing key falls back to the lookup's own
 * round robin (the map's slot index or the ring cursor), as backend.c does.
 */
public abstract class HashingScheduler extends HaproxyScheduler {
  private final HashType hashType;
  private final MapTable map;
  private final ChashRing ring;

  HashingScheduler(HaproxyBackend backend, HashType hashType) {
    super(backend);
    this.hashType = hashType;
    if (hashType.method() == HashType.Method.CONSISTENT) {
      this.ring = new ChashRing(backend);
      this.map = null;
    } else {
      this.map = new MapTable(backend);
      this.ring = null;
    }
  }

  /** The backend's {@code hash-type}. */
  public HashType hashType() {
    return hashType;
  }

  /**
   * The hash of the request's key, or {@code null} when the key is missing (fallback round robin). Called only
   * when some server is usable.
   */
  abstract Long hashOf(Request request, byte[] body);

  /** Hashes key bytes with the function and, if configured, avalanche. */
  final long hash(byte[] key, int offset, int length) {
    return hashType.hash(key, offset, length);
  }

  /** Whether only one server is in use: HAProxy then skips hashing and looks up hash 0. */
  final boolean singleServer() {
    return backend.totUsed == 1;
  }

  @Override
  final HaproxyServer select(Request request, byte[] body) {
    HaproxyServer s = null;
    if (backend.totWeight != 0) {
      Long h = hashOf(request, body);
      if (h != null) {
        s = ring != null ? ring.byHash(h) : map.byHash(h);
      }
    }
    if (s == null) {
      s = ring != null ? ring.next() : map.next();
    }
    return s;
  }

  @Override
  final void init() {
    if (ring != null) {
      ring.init();
    } else {
      map.invalidate();
    }
  }

  @Override
  final void serverChanged(HaproxyServer s, boolean wasUsable, int oldEweight) {
    if (ring != null) {
      ring.serverChanged(s, wasUsable, oldEweight);
    } else {
      map.invalidate();
    }
  }
}
