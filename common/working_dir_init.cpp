#include "common/working_dir_init.h"

#include "common/go_path.h"
#include "common/go_quote.h"
#include "common/logging.h"

namespace podstep {

std::optional<std::string> WorkingDirToCreate(std::string_view arg) {
  std::string cleaned = GoCleanPath(arg);
  if (cleaned.front() != '/' || cleaned.starts_with("/workspace/")) return cleaned;
  return std::nullopt;
}

int RunWorkingDirInit(const std::vector<std::string>& args, DirMaker& maker) {
  for (const auto& arg : args) {
    std::optional<std::string> dir = WorkingDirToCreate(arg);
    if (!dir) continue;
    if (auto made = maker.MakeDirs(*dir); !made) {
      LogError("Failed to mkdir {}: {}", GoQuote(*dir), made.error().message);
      return 1;
    }
  }
  return 0;
}

}  // namespace podstep
