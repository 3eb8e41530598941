// The credential flags (common/credentials): the docker secrets' JSON
// (.dockercfg, .dockerconfigjson) and the flag values with their secrets.
// Input: a mode byte, then text parts separated by '\n'.
//  - mode 0/1: a .dockercfg / .dockerconfigjson. It decodes or fails without
//    a crash; what decodes renders to a config.json that decodes to the same.
//  - mode 2: flag values (`-basic-git`, `-ssh-git`, `-basic-docker` in turn)
//    whose secrets hold the input's parts; then everything is written to an
//    in-memory directory. No crash, and no error message holds a password.

#include <map>

#include "common/credentials/credentials.h"
#include "common/go_flags.h"
#include "test/fuzz/fuzz_support.h"

namespace {

class MemoryFiles final : public podstep::CredentialFiles {
 public:
  podstep::Result<std::string> ReadSecret(const std::string& path) override {
    auto found = secrets.find(path);
    if (found == secrets.end()) return podstep::Fail(podstep::ErrnoError("open " + path, ENOENT));
    return found->second;
  }
  podstep::Status MakeDirs(const std::string&) override { return {}; }
  podstep::Status WriteFile(const std::string& path, std::string_view content) override {
    written[path] = content;
    return {};
  }
  podstep::Status AppendFile(const std::string& path, std::string_view content) override {
    written[path] += content;
    return {};
  }
  std::map<std::string, std::string> secrets, written;
};

constexpr std::string_view kPassword = "pw-4a1f9c";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 3;
  const std::string_view text = podstep::fuzz::AsText(data + 1, size - 1);
  if (mode < 2) {
    auto auths = mode == 0 ? podstep::ParseDockerCfg(text) : podstep::ParseDockerConfigJson(text);
    if (!auths) return 0;
    const std::string rendered = podstep::RenderDockerConfig(*auths);
    auto again = podstep::ParseDockerConfigJson(rendered);
    FUZZ_CHECK(again.has_value(), rendered);
    FUZZ_CHECK(podstep::RenderDockerConfig(*again) == rendered, rendered);
    return 0;
  }
  // Flag values are echoed in errors: a password in the input proves nothing.
  if (text.find(kPassword) != std::string_view::npos) return 0;
  MemoryFiles files;
  for (const char* secret : {"a", "b"}) {
    const std::string dir = std::string("/s/") + secret;
    files.secrets[dir + "/username"] = "user";
    files.secrets[dir + "/password"] = std::string(kPassword);
    files.secrets[dir + "/ssh-privatekey"] = "key";
  }
  podstep::Credentials credentials("/s", files);
  podstep::GoFlagSet flags("fuzz");
  credentials.Register(flags);
  std::vector<std::string> args;
  const char* names[] = {"-basic-git=", "-ssh-git=", "-basic-docker="};
  size_t index = 0;
  for (const std::string& part : podstep::fuzz::SplitInput(text, '\n')) {
    args.push_back(names[index++ % 3] + part);
  }
  podstep::ParseOutcome parsed = flags.Parse(args);
  FUZZ_CHECK(parsed.error.find(kPassword) == std::string::npos, parsed.error);
  if (parsed.status != podstep::ParseStatus::kOk) return 0;
  for (const podstep::Error& error : credentials.Write("/c")) {
    FUZZ_CHECK(error.message.find(kPassword) == std::string::npos, error.message);
  }
  return 0;
}
