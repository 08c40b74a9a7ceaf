/**
 * VRRP advertisement bytes: {@link dev.lbkit.vrrp.internal.codec.VrrpCodec} encodes and decodes RFC 3768 (v2) and
 * RFC 5798 (v3) packets; {@link dev.lbkit.vrrp.internal.codec.AuthenticationHeader} seals and opens keepalived's
 * IPsec-AH datagrams (IP protocol 51); a failed receive check is a {@link dev.lbkit.vrrp.internal.codec.Rejection}.
 * Knows bytes, not state or sockets.
 */
package dev.lbkit.vrrp.internal.codec;
