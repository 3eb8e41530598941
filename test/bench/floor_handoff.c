/* The hand-off floor: the least any step wrapper can do between "the
 * previous step's post file appears" and "the next command runs". It blocks
 * in inotify on the file's directory, stats the file when woken, then
 * posix_spawns the command and waits for it. No flags, no files, no
 * signals: what is left is the kernel's wake-up and spawn.
 * Usage: floor_handoff FILE COMMAND [ARG...] */
#include <errno.h>
#include <libgen.h>
#include <spawn.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  char dir[4096];
  strncpy(dir, argv[1], sizeof dir - 1);
  dir[sizeof dir - 1] = '\0';
  int fd = inotify_init1(IN_CLOEXEC);
  if (fd < 0 || inotify_add_watch(fd, dirname(dir), IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE) < 0)
    return 1;
  struct stat st;
  char events[4096];
  while (stat(argv[1], &st) != 0) {
    if (read(fd, events, sizeof events) < 0 && errno != EINTR) return 1;
  }
  pid_t pid;
  if (posix_spawn(&pid, argv[2], NULL, NULL, argv + 2, environ) != 0) return 127;
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
