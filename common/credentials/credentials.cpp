#include "common/credentials/credentials.h"

#include "common/go_flags.h"

namespace podstep {
namespace {

// GoFlagSet's validator: nullopt accepts the value, a text rejects it.
std::optional<std::string> ErrorText(const Status& status) {
  if (status) return std::nullopt;
  return status.error().message;
}

}  // namespace

void Credentials::Register(GoFlagSet& flags) {
  flags.AddVar("basic-git", "List of secret=url pairs.", [this](const auto& value) {
    return ErrorText(basic_git_.Add(value, secrets_dir_, *files_));
  });
  flags.AddVar("ssh-git", "List of secret=url pairs.", [this](const auto& value) {
    return ErrorText(ssh_git_.Add(value, secrets_dir_, *files_));
  });
  flags.AddVar("basic-docker", "List of secret=url pairs.",
                    [this](const auto& value) {
                      return ErrorText(docker_.AddBasic(value, secrets_dir_, *files_));
                    });
  flags.AddVar("docker-config", "Docker config.json secret file.",
                    [this](const auto& value) { return ErrorText(docker_.AddConfigJson(value)); });
  flags.AddVar("docker-cfg", "Docker .dockercfg secret file.",
                    [this](const auto& value) { return ErrorText(docker_.AddCfg(value)); });
}

std::vector<Error> Credentials::Write(const std::string& creds_dir) const {
  std::vector<Error> errors;
  if (auto written = docker_.Write(creds_dir, secrets_dir_, *files_); !written) {
    errors.push_back(written.error());
  }
  if (auto written = basic_git_.Write(creds_dir, *files_); !written) {
    errors.push_back(written.error());
  } else if (auto ssh_written = ssh_git_.Write(creds_dir, *files_); !ssh_written) {
    errors.push_back(ssh_written.error());
  }
  return errors;
}

}  // namespace podstep
