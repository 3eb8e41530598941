// nop: the image Tekton swaps into sidecars to stop them. Exits 0 whatever
// its arguments; `tekton_run_indefinitely` blocks until SIGINT or SIGTERM.
//
// Written without the C++ runtime (no iostream, exceptions or RTTI) so it can
// be linked statically against musl into a ~15 KB binary.

#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

namespace {

// One Go `log` style line: "2006/01/02 15:04:05 message\n".
void Log(const char* message, const char* detail = nullptr) {
  char line[256];
  time_t now = time(nullptr);
  struct tm local {};
  localtime_r(&now, &local);
  size_t length = strftime(line, sizeof line, "%Y/%m/%d %H:%M:%S ", &local);
  const char* parts[] = {message, detail};
  for (const char* part : parts) {
    if (part == nullptr) continue;
    size_t n = strnlen(part, sizeof line - length - 2);
    memcpy(line + length, part, n);
    length += n;
  }
  line[length++] = '\n';
  (void)!write(2, line, length);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && strcmp(argv[1], "tekton_run_indefinitely") == 0) {
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    // Blocked and taken with sigwait: works as PID 1 too, where default
    // dispositions would be ignored, and never spins.
    sigprocmask(SIG_BLOCK, &stop, nullptr);
    Log("Waiting indefinitely...");
    int received = 0;
    while (sigwait(&stop, &received) != 0) {
    }
    Log("received signal: ", received == SIGINT ? "interrupt" : "terminated");
  }
  Log("Exiting...");
  return 0;
}
