/**
 * The Linux edge of the VRRP engine: raw IP protocol 112 sockets with multicast membership and TTL 255 (and IP
 * protocol 51 ones, the sender with IP_HDRINCL, for keepalived's IPsec-AH mode), gratuitous
 * ARP / unsolicited neighbour advertisements, and virtual addresses through rtnetlink on lb-ipvs's shared netlink
 * layer. The only package of lb-vrrp that imports JNA.
 */
package dev.lbkit.vrrp.internal.linux;
