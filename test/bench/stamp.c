/* The wrapped command of the hand-off benchmark: records CLOCK_MONOTONIC at
 * its first instruction into argv[1], then exits (or, with a third argument,
 * waits for a signal). Built with musl when available so that its own
 * start-up (glibc's costs ~0.6 ms on a VM) is not counted as hand-off. */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (argc < 2) return 2;
  char text[32];
  int length = snprintf(text, sizeof text, "%lld",
                        (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0 || write(fd, text, (size_t)length) != length) return 1;
  close(fd);
  if (argc > 2) pause();
  return 0;
}
