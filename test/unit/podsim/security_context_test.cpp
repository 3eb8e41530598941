// securityContext: the runAsUser, runAsGroup and runAsNonRoot podsim
// honours, at pod and container level.

#include <gtest/gtest.h>

#include "podsim/pod_spec.h"

namespace podstep::podsim {
namespace {

using nlohmann::json;

json PodWith(json pod_security, json container_security) {
  json container = {{"name", "c"}, {"command", {"true"}}};
  if (!container_security.is_null()) container["securityContext"] = container_security;
  json spec = {{"containers", {container}}};
  if (!pod_security.is_null()) spec["securityContext"] = pod_security;
  return {{"kind", "Pod"}, {"metadata", {{"name", "p"}}}, {"spec", spec}};
}

TEST(PodsimSecurityContext, ParsedAtBothLevels) {
  auto pod = ParsePod(
      PodWith({{"runAsUser", 1000}, {"runAsGroup", 3000}, {"fsGroup", 2000}},
              {{"runAsUser", 0}, {"runAsNonRoot", true}, {"allowPrivilegeEscalation", false}}));
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ(pod->security_context.run_as_user, 1000);
  EXPECT_EQ(pod->security_context.run_as_group, 3000);
  EXPECT_EQ(pod->security_context.run_as_non_root, std::nullopt);
  const SecurityContext& c = pod->containers[0].security_context;
  EXPECT_EQ(c.run_as_user, 0);
  EXPECT_EQ(c.run_as_group, std::nullopt);
  EXPECT_EQ(c.run_as_non_root, true);
}

TEST(PodsimSecurityContext, AbsentOrNullIsUnset) {
  auto pod = ParsePod(PodWith(nullptr, {{"runAsUser", nullptr}}));
  ASSERT_TRUE(pod) << pod.error().message;
  EXPECT_EQ(pod->containers[0].security_context.run_as_user, std::nullopt);
  EXPECT_EQ(pod->security_context.run_as_user, std::nullopt);
}

TEST(PodsimSecurityContext, BadValuesAreNamed) {
  const std::pair<json, std::string> cases[] = {
      {PodWith({{"runAsUser", -1}}, nullptr),
       "spec.securityContext.runAsUser: must be between 0 and 2147483647, inclusive"},
      {PodWith(nullptr, {{"runAsGroup", 2147483648LL}}),
       "spec.containers[0].securityContext.runAsGroup: must be between 0 and 2147483647, "
       "inclusive"},
      {PodWith(nullptr, {{"runAsUser", "1000"}}),
       "spec.containers[0].securityContext.runAsUser: must be between 0 and 2147483647, "
       "inclusive"},
      {PodWith(nullptr, {{"runAsNonRoot", "yes"}}),
       "spec.containers[0].securityContext.runAsNonRoot: must be a boolean"},
      {PodWith("root", nullptr), "spec.securityContext: must be an object"},
  };
  for (const auto& [pod, message] : cases) {
    auto parsed = ParsePod(pod);
    ASSERT_FALSE(parsed) << pod.dump();
    EXPECT_EQ(parsed.error().message, message);
  }
}

}  // namespace
}  // namespace podstep::podsim
