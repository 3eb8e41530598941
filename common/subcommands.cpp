#include "common/subcommands.h"

#include "common/base64.h"
#include "common/file_names.h"
#include "common/sys/file_util.h"
#include "common/sys/subcommand_files.h"

namespace podstep {
Status InitStepLinks(const std::vector<std::string>& step_names, const TektonPaths& paths) {
  for (const auto& name : step_names) {
    if (name.empty()) return Fail("refusing empty step name");
    if (auto valid = ValidateFileName("step", name); !valid) return valid;
  }
  const std::string steps_dir = paths.StepsDir();
  if (auto made = MakeDirs(steps_dir); !made) {
    return Fail(made.error().Wrap("creating steps directory \"" + steps_dir + "\""));
  }
  for (size_t i = 0; i < step_names.size(); ++i) {
    const std::string target = paths.RunDir() + "/" + std::to_string(i) + "/status";
    for (const std::string& link :
         {steps_dir + "/" + step_names[i], steps_dir + "/" + std::to_string(i)}) {
      // A restarted init container finds its links already there.
      if (auto linked = MakeSymlinkUnlessPresent(target, link); !linked) return linked;
    }
  }
  return {};
}

Status DecodeScriptInPlace(const std::string& path) {
  const std::string context = "error decoding script file \"" + path + "\"";
  auto encoded = ReadFileIfExists(path);
  if (!encoded) return Fail(encoded.error().Wrap(context));
  if (!*encoded) return Fail(context + ": open " + path + ": no such file or directory", ENOENT);
  auto decoded = Base64Decode(**encoded, /*padded=*/true);
  if (!decoded) return Fail(context + ": " + context + ": " + decoded.error().message);
  if (auto written = OverwriteFile(path, *decoded); !written) {
    return Fail(written.error().Wrap("error writing decoded script file \"" + path + "\""));
  }
  return {};
}

std::optional<SubcommandOutcome> RunSubcommand(const std::vector<std::string>& args,
                                               const TektonPaths& paths) {
  if (args.empty()) return std::nullopt;
  const std::string& name = args[0];
  auto outcome = [&](const Status& status, std::string success) {
    if (status) return SubcommandOutcome{true, std::move(success)};
    return SubcommandOutcome{false, name + " error: " + status.error().message};
  };
  if (name == "init" && args.size() >= 3) {
    Status status = CopyFileAtomically(args[1], args[2]);
    if (status) status = InitStepLinks({args.begin() + 3, args.end()}, paths);
    return outcome(status, "Entrypoint initialization");
  }
  if (name == "cp" && args.size() == 3) {
    return outcome(CopyFileAtomically(args[1], args[2]), "Copied " + args[1] + " to " + args[2]);
  }
  if (name == "decode-script" && args.size() == 2) {
    return outcome(DecodeScriptInPlace(args[1]), "Decoded script " + args[1]);
  }
  if (name == "step-init") {
    return outcome(InitStepLinks({args.begin() + 1, args.end()}, paths), "Setup /step directories");
  }
  return std::nullopt;
}

}  // namespace podstep
