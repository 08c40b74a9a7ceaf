// lab/kernel/floor/dump-floor.c: the kernel's own cost of what `ipvsadm -Sn` asks of it, without a program's
// overhead: one dump of the services, then one dump of each service's destinations (over a second socket, so the
// receive length L, which sizes the kernel's dump datagrams, applies to those alone). Prints the time of each part.
// Build and run in the kernel lab, on a loaded table (see docs/benchmarks.md, lb-ipvs):
//   gcc -O2 -o /tmp/dump-floor lab/kernel/floor/dump-floor.c && /tmp/dump-floor [L]
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static int fd, fd2, seq = 1;
static char rbuf[1 << 18];
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static void sendreq(int type, int flags, int cmd, const void *attr, int alen) {
  char b[4096]; struct nlmsghdr *h = (void *)b; struct genlmsghdr *g = NLMSG_DATA(h);
  memset(b, 0, 64); h->nlmsg_type = type; h->nlmsg_flags = NLM_F_REQUEST | flags; h->nlmsg_seq = ++seq;
  g->cmd = cmd; g->version = 1; memcpy((char *)g + 4, attr, alen); h->nlmsg_len = NLMSG_HDRLEN + 4 + alen;
  struct sockaddr_nl k = {.nl_family = AF_NETLINK};
  if (sendto(cmd == 8 ? fd2 : fd, b, h->nlmsg_len, 0, (void *)&k, sizeof k) < 0) { perror("sendto"); exit(1); }
}
int main(int argc, char **argv) {
  int L = argc > 1 ? atoi(argv[1]) : (int) sizeof rbuf; long trunc = 0;
  fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
  int sz = 4 << 20; setsockopt(fd, SOL_SOCKET, 33, &sz, 4);
  struct sockaddr_nl a = {.nl_family = AF_NETLINK}; bind(fd, (void *)&a, sizeof a);
  fd2 = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC); setsockopt(fd2, SOL_SOCKET, 33, &sz, 4);
  struct sockaddr_nl a2 = {.nl_family = AF_NETLINK}; bind(fd2, (void *)&a2, sizeof a2);
  char name[8] = {8, 0, CTRL_ATTR_FAMILY_NAME, 0, 'I', 'P', 'V', 'S'}; char nattr[12] = {9, 0, 2, 0, 'I','P','V','S',0,0,0,0};
  (void)name; sendreq(GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, nattr, 12);
  int n = recv(fd, rbuf, sizeof rbuf, 0), fam = -1;
  for (struct nlmsghdr *h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
    struct nlattr *at = (void *)((char *)NLMSG_DATA(h) + 4); int l = h->nlmsg_len - NLMSG_HDRLEN - 4;
    while (l >= 4) { if ((at->nla_type & 0x3fff) == CTRL_ATTR_FAMILY_ID) fam = *(unsigned short *)(at + 1); l -= NLA_ALIGN(at->nla_len); at = (void *)((char *)at + NLA_ALIGN(at->nla_len)); }
  }
  if (fam < 0) { fprintf(stderr, "no IPVS\n"); return 1; }
  double t0 = now();
  char **svc = malloc(sizeof(char *) * 200000); int *slen = malloc(sizeof(int) * 200000); int ns = 0;
  sendreq(fam, NLM_F_DUMP | NLM_F_ACK, 4, NULL, 0);
  for (int done = 0, recvs = 0; !done; recvs++) {
    n = recv(fd, rbuf, sizeof rbuf, 0);
    for (struct nlmsghdr *h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
      struct nlattr *at = (void *)((char *)NLMSG_DATA(h) + 4);
      svc[ns] = malloc(at->nla_len); memcpy(svc[ns], at, at->nla_len); slen[ns++] = NLA_ALIGN(at->nla_len);
    }
  }
  double t1 = now(); long dests = 0, recvs = 0;
  for (int i = 0; i < ns; i++) {
    sendreq(fam, NLM_F_DUMP | NLM_F_ACK, 8, svc[i], slen[i]);
    for (int done = 0; !done;) {
      n = recv(fd2, rbuf, L, MSG_TRUNC); recvs++; if (n > L) { trunc++; n = L; }
      for (struct nlmsghdr *h = (void *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_DONE) { done = 1; break; }
        if (h->nlmsg_type == NLMSG_ERROR) { fprintf(stderr, "error\n"); return 1; }
        dests++;
      }
    }
  }
  double t2 = now();
  printf("floor L=%d trunc=%ld: %d services %.2f s; %ld destinations in %ld recvs %.2f s; total %.2f s\n", L, trunc, ns, t1 - t0, dests, recvs, t2 - t1, t2 - t0);
  return 0;
}
