/* The wrapper-overhead floor: the least any step wrapper must do around a
 * command — spawn it, wait for it, create the post file — as a static
 * program with nothing else in it (musl when available).
 * Usage: floor_wrapper POST_FILE COMMAND [ARG...] */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  pid_t pid;
  if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ) != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return 1;
  close(fd);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
