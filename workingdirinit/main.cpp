// workingdirinit: creates the steps' working directories (Tekton's init
// container of the same name). Every argument is a directory, as in the
// reference, which parses no flags.

#include "common/sys/real_dir_maker.h"
#include "common/working_dir_init.h"

int main(int argc, char** argv) {
  podstep::RealDirMaker maker;
  return podstep::RunWorkingDirInit({argv + (argc > 0 ? 1 : 0), argv + argc}, maker);
}
