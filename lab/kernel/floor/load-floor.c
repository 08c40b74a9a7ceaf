// lab/kernel/floor/load-floor.c: the kernel's own cost of loading N TCP services (172.16.x.y:80, wrr) with D
// masquerade destinations each (10.x.y.d:8080, weight 1), the table lab/kernel/bench-ipvs loads: the same messages
// ipvsadm and lbkit send, 256 to a datagram with one ACK per datagram, as lbkit batches them.
//   gcc -O2 -o /tmp/load-floor lab/kernel/floor/load-floor.c && /tmp/load-floor 10000 10
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static int fd, seq = 1, fam = -1;
static char rbuf[1 << 18], sbuf[1 << 17]; static int slen, inbatch, errors;
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static char *p;
static void attr(int type, const void *v, int n) { struct nlattr *a = (void *)p; a->nla_type = type; a->nla_len = 4 + n; memcpy(p + 4, v, n); memset(p + 4 + n, 0, NLA_ALIGN(4 + n) - 4 - n); p += NLA_ALIGN(4 + n); }
static char *nest(int type) { char *s = p; ((struct nlattr *)p)->nla_type = type | NLA_F_NESTED; p += 4; return s; }
static void endnest(char *s) { ((struct nlattr *)s)->nla_len = p - s; }
static void u16(int t, unsigned short v) { attr(t, &v, 2); }
static void u32(int t, unsigned v) { attr(t, &v, 4); }
static void flush(void) {
  struct nlmsghdr *h = (void *)(sbuf + slen); memset(h, 0, 16); h->nlmsg_len = 16; h->nlmsg_type = NLMSG_NOOP; h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK; h->nlmsg_seq = ++seq; slen += 16;
  struct sockaddr_nl k = {.nl_family = AF_NETLINK}; if (sendto(fd, sbuf, slen, 0, (void *)&k, sizeof k) < 0) { perror("sendto"); exit(1); }
  for (int done = 0; !done;) { int n = recv(fd, rbuf, sizeof rbuf, 0);
    for (struct nlmsghdr *r = (void *)rbuf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) if (r->nlmsg_type == NLMSG_ERROR) { if (r->nlmsg_seq == (unsigned) seq) done = 1; else errors++; } }
  slen = 0; inbatch = 0;
}
static void msg_begin(int cmd) { struct nlmsghdr *h = (void *)(sbuf + slen); memset(h, 0, 20); h->nlmsg_type = fam; h->nlmsg_flags = NLM_F_REQUEST; h->nlmsg_seq = ++seq; struct genlmsghdr *g = (void *)(h + 1); g->cmd = cmd; g->version = 1; p = (char *)(g + 1); }
static void msg_end(void) { struct nlmsghdr *h = (void *)(sbuf + slen); h->nlmsg_len = p - (char *)h; slen += NLMSG_ALIGN(h->nlmsg_len); if (++inbatch == 256) flush(); }
static void svc_id(unsigned char *a) { u16(1, AF_INET); u16(2, 6); attr(3, a, 16); unsigned short port = htons(80); attr(4, &port, 2); }
int main(int argc, char **argv) {
  int N = atoi(argv[1]), D = atoi(argv[2]);
  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC); int sz = 4 << 20; setsockopt(fd, SOL_SOCKET, 33, &sz, 4);
  struct sockaddr_nl a = {.nl_family = AF_NETLINK}; bind(fd, (void *)&a, sizeof a);
  { msg_begin(CTRL_CMD_GETFAMILY); struct nlmsghdr *h = (void *)sbuf; h->nlmsg_type = GENL_ID_CTRL; h->nlmsg_flags |= NLM_F_ACK; ((struct genlmsghdr *)(h + 1))->version = 2;
    attr(CTRL_ATTR_FAMILY_NAME, "IPVS", 5); h->nlmsg_len = p - sbuf; struct sockaddr_nl k = {.nl_family = AF_NETLINK}; sendto(fd, sbuf, h->nlmsg_len, 0, (void *)&k, sizeof k);
    int n = recv(fd, rbuf, sizeof rbuf, 0);
    for (struct nlmsghdr *r = (void *)rbuf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) { if (r->nlmsg_type != GENL_ID_CTRL) continue;
      struct nlattr *at = (void *)((char *)NLMSG_DATA(r) + 4); int l = r->nlmsg_len - NLMSG_HDRLEN - 4;
      while (l >= 4) { if ((at->nla_type & 0x3fff) == CTRL_ATTR_FAMILY_ID) fam = *(unsigned short *)(at + 1); l -= NLA_ALIGN(at->nla_len); at = (void *)((char *)at + NLA_ALIGN(at->nla_len)); } }
    recv(fd, rbuf, sizeof rbuf, MSG_DONTWAIT); }
  if (fam < 0) { fprintf(stderr, "no IPVS\n"); return 1; }
  double t0 = now();
  for (int i = 0; i < N; i++) {
    unsigned char va[16] = {172, 16, i >> 8, i & 255};
    msg_begin(1); char *s = nest(1); svc_id(va); attr(6, "wrr", 4); unsigned fl[2] = {0, ~0u}; attr(7, fl, 8); u32(8, 0); u32(9, ~0u); endnest(s); msg_end();
    for (int d = 1; d <= D; d++) {
      unsigned char da[16] = {10, i >> 8, i & 255, d};
      msg_begin(5); s = nest(1); svc_id(va); endnest(s); s = nest(2); attr(1, da, 16); unsigned short dp = htons(8080); attr(2, &dp, 2);
      u32(3, 0); u32(4, 1); unsigned char tt = 0; attr(13, &tt, 1); unsigned short tp = 0; attr(14, &tp, 2); u16(15, 0); u32(5, 0); u32(6, 0); u16(11, AF_INET); endnest(s); msg_end();
    }
  }
  if (inbatch) flush();
  printf("floorload: %d services x %d dests in %.2f s, %d refused\n", N, D, now() - t0, errors);
  return 0;
}
