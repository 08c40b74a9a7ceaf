/* What a system call costs from C: connect(-1, addr, 16) fails at once with EBADF, so a loop of them is the
 * kernel's entry and exit. Compare JnaCallCostProbe (lb-healthcheck test classes). gcc -O2 -o /tmp/syscall-cost
 * benchmarks/src/main/c/syscall-cost.c && /tmp/syscall-cost */
#include <stdio.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
int main(void) {
  struct sockaddr_in a = {0};
  int n = 5000000; long sum = 0;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    for (int i = 0; i < n; i++) { sum += connect(-1, (struct sockaddr *) &a, sizeof a); sum += errno; }
    double t1 = now();
    printf("round %d: C connect(-1) %.1f ns/call (%ld)\n", r, (t1 - t0) / n, sum);
  }
  return 0;
}
