// connect-floor: the kernel's own cost of a TCP connect check on loopback, without any JVM, as a floor for
// CheckScale (docs/benchmarks.md, lb-healthcheck). Reads the "HOST:PORT" lines and the "ready" line that
// `CheckScale serve tcp N` prints, then checks those targets round-robin at RATE per second for SECONDS (after
// 3 s of warm-up) and prints this process's CPU (getrusage).
//
//   gcc -O2 -o /tmp/connect-floor benchmarks/src/main/c/connect-floor.c
//   /tmp/connect-floor MODE RATE SECONDS < endpoints
//
// MODE blocking: socket, SO_LINGER 0, blocking connect, close (4 calls; on loopback the handshake completes
//                inside connect, so nothing waits: the least any fresh-socket check can do)
// MODE epoll:    non-blocking socket, SO_LINGER 0, connect, epoll_ctl ADD EPOLLOUT|EPOLLONESHOT, epoll_wait,
//                getsockopt(SO_ERROR), close: what an event loop needs with a fresh socket per check
// MODE reuse:    as epoll, but a connected socket is reset with connect(AF_UNSPEC) and kept for the next check
//                (epoll_ctl MOD re-arms it): lbkit's EpollConnector up to 10:45 UTC
// MODE optimistic: as reuse, but connect() is called a second time right after the first one's EINPROGRESS:
//                0 means the handshake already completed (loopback, veth: the whole handshake runs inside the
//                first connect), so the check is done without epoll_ctl, epoll_wait and SO_ERROR; EALREADY
//                means still waiting (armed in epoll as in reuse): lbkit's EpollConnector after 10:45 UTC
// MODE keepport: as optimistic, but each new socket is bound to an explicit ephemeral port first (found by binding
//                a probe socket to port 0), which locks the port to the socket: connect(AF_UNSPEC) keeps it, so
//                a connect needs no free-port search (an experiment for loopback peers; lbkit does not do this)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_TARGETS 20000
#define MAX_IDLE 4096

static struct sockaddr_in targets[MAX_TARGETS];
static int idle[MAX_IDLE];
static char in_epoll[1 << 16]; // whether a descriptor is registered (a closed one leaves the set)
static long errnos[200];       // failed checks by errno

static void fail(int err) { errnos[err > 0 && err < 200 ? err : 0]++; }

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static double seconds(struct timeval tv) { return tv.tv_sec + tv.tv_usec / 1e6; }

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s blocking|epoll|reuse|optimistic|keepport RATE SECONDS < endpoints\n", argv[0]);
    return 2;
  }
  int mode = !strcmp(argv[1], "blocking") ? 0 : !strcmp(argv[1], "epoll") ? 1 : !strcmp(argv[1], "reuse") ? 2
      : !strcmp(argv[1], "optimistic") ? 3 : !strcmp(argv[1], "keepport") ? 4 : -1;
  if (mode < 0) {
    fprintf(stderr, "unknown mode %s\n", argv[1]);
    return 2;
  }
  int rate = atoi(argv[2]), secs = atoi(argv[3]), n = 0, nidle = 0;
  char line[128];
  while (n < MAX_TARGETS && fgets(line, sizeof line, stdin) && strncmp(line, "ready", 5)) {
    char *colon = strrchr(line, ':');
    if (!colon) continue;
    *colon = 0;
    targets[n].sin_family = AF_INET;
    targets[n].sin_port = htons(atoi(colon + 1));
    if (inet_pton(AF_INET, line, &targets[n].sin_addr) == 1) n++;
  }
  if (n == 0) {
    fprintf(stderr, "no targets on stdin\n");
    return 2;
  }
  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct linger lg = {1, 0};
  struct epoll_event evs[256];
  struct rusage r0, r1;
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  long ok = 0, failed = 0, next = 0;
  double start = now(), t0 = 0, warm = 3;
  int measuring = 0;
  for (;;) {
    double t = now() - start;
    if (!measuring && t >= warm) {
      measuring = 1;
      getrusage(RUSAGE_SELF, &r0);
      t0 = now();
      ok = failed = 0;
      memset(errnos, 0, sizeof errnos);
    }
    if (t >= warm + secs) break;
    for (long due = (long) (t * rate); next < due; next++) {
      struct sockaddr_in *a = &targets[next % n];
      if (mode == 0) {
        int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        if (connect(s, (struct sockaddr *) a, sizeof *a) == 0) ok++; else { failed++; fail(errno); }
        close(s);
        continue;
      }
      int s, reused = mode >= 2 && nidle > 0;
      if (reused) {
        s = idle[--nidle];
      } else {
        s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (mode == 1) setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        if (mode == 4) { // bind(0) alone does not lock the port: find one, then bind to it explicitly
          struct sockaddr_in any = {.sin_family = AF_INET};
          socklen_t alen = sizeof any;
          int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
          if (bind(probe, (struct sockaddr *) &any, sizeof any) == 0 &&
              getsockname(probe, (struct sockaddr *) &any, &alen) == 0) {
            close(probe);
            bind(s, (struct sockaddr *) &any, sizeof any); // on failure the socket stays unbound
          } else {
            close(probe);
          }
        }
      }
      if (connect(s, (struct sockaddr *) a, sizeof *a) < 0 && errno != EINPROGRESS) {
        failed++;
        fail(errno);
        in_epoll[s] = 0;
        close(s);
        continue;
      }
      if (mode >= 3) {
        int rc = connect(s, (struct sockaddr *) a, sizeof *a);
        if (rc == 0) {
          ok++;
          if (nidle < MAX_IDLE && connect(s, &unspec, sizeof unspec) == 0) {
            idle[nidle++] = s;
          } else {
            in_epoll[s] = 0;
            close(s);
          }
          continue;
        }
        if (errno != EALREADY) {
          failed++;
          fail(errno);
          in_epoll[s] = 0;
          close(s);
          continue;
        }
      }
      struct epoll_event e = {.events = EPOLLOUT | EPOLLONESHOT, .data.fd = s};
      epoll_ctl(ep, in_epoll[s] ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, s, &e);
      in_epoll[s] = 1;
    }
    int k = epoll_wait(ep, evs, 256, 1);
    for (int i = 0; i < k; i++) {
      int s = evs[i].data.fd, err = 0;
      socklen_t len = sizeof err;
      getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) ok++; else { failed++; fail(err); }
      if (mode >= 2 && err == 0 && nidle < MAX_IDLE && connect(s, &unspec, sizeof unspec) == 0) {
        idle[nidle++] = s;
      } else {
        in_epoll[s] = 0;
        close(s);
      }
    }
  }
  getrusage(RUSAGE_SELF, &r1);
  double wall = now() - t0, user = seconds(r1.ru_utime) - seconds(r0.ru_utime);
  double sys = seconds(r1.ru_stime) - seconds(r0.ru_stime);
  printf("%s checks/s=%.0f ok=%ld failed=%ld cpu=%.1f%% of one core (user %.1f%% sys %.1f%%) us/check=%.1f\n",
         argv[1], (ok + failed) / wall, ok, failed, 100 * (user + sys) / wall, 100 * user / wall, 100 * sys / wall,
         1e6 * (user + sys) / (ok + failed));
  for (int e = 0; e < 200; e++) {
    if (errnos[e]) printf("  failed with errno %d (%s): %ld\n", e, strerror(e), errnos[e]);
  }
  return 0;
}
