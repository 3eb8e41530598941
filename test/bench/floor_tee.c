/* The -stdout_path tee floor: the least a step wrapper can do to give a
 * command's output both to its own stdout (a pipe, as in a container) and
 * to a file. The command writes into a pipe; tee(2) duplicates each chunk
 * into our stdout, splice(2) moves the same bytes into a relay pipe (page
 * references: the command's pipe is held only for that) and from there into
 * the file (the copy, under the relay's lock, while the command writes on).
 * All blocking: no poll, no timeout, no signals.
 * Usage: floor_tee FILE COMMAND [ARG...] */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int fds[2], relay[2];
  if (pipe2(fds, O_CLOEXEC) != 0 || pipe2(relay, O_CLOEXEC) != 0) return 1;
  fcntl(fds[0], F_SETPIPE_SZ, 1 << 20);
  fcntl(relay[0], F_SETPIPE_SZ, 1 << 20);
  fcntl(1, F_SETPIPE_SZ, 1 << 20);
  int file = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (file < 0) return 1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  pid_t pid;
  if (posix_spawnp(&pid, argv[2], &actions, NULL, argv + 2, environ) != 0) return 127;
  close(fds[1]);
  for (;;) {
    ssize_t n = tee(fds[0], 1, 1 << 20, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    while (n > 0) {
      ssize_t moved = splice(fds[0], NULL, relay[1], NULL, (size_t)n, 0);
      if (moved < 0 && errno == EINTR) continue;
      if (moved <= 0) return 1;
      n -= moved;
      while (moved > 0) {
        ssize_t written = splice(relay[0], NULL, file, NULL, (size_t)moved, 0);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return 1;
        moved -= written;
      }
    }
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
