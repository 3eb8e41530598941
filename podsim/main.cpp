// podsim: runs a Pod, Task or TaskRun locally the way the kubelet (and the
// Tekton controller) would, with podstep's real binaries.

#include <unistd.h>

#include <string>
#include <vector>

#include "podsim/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  char self[4096];
  ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
  std::string dir = ".";
  if (n > 0) {
    std::string path(self, static_cast<size_t>(n));
    dir = path.substr(0, path.rfind('/'));
  }
  return podstep::podsim::PodsimMain(args, dir);
}
