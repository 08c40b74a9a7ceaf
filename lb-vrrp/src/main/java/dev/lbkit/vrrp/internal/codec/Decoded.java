package dev.lbkit.vrrp.internal.codec;

import static java.util.Objects.requireNonNull;

/** The outcome of decoding a received datagram: a packet, or why it was dropped. */
public sealed interface Decoded {

  /** A well-formed advertisement that passed the codec's checks. */
  record Accepted(VrrpPacket packet) implements Decoded {
    public Accepted {
      requireNonNull(packet, "packet");
    }
  }

  /** A dropped datagram with the failed check and a detail for the log. */
  record Rejected(Rejection rejection, String detail) implements Decoded {
    public Rejected {
      requireNonNull(rejection, "rejection");
      requireNonNull(detail, "detail");
    }
  }
}
