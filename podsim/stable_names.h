#pragma once
// The names the controller makes up at random (a pod name's or a volume's
// 5-character suffix, a TaskRun's uid), made up here from a seed instead,
// so that rendering the same file twice gives the same Pod. Pure.

#include <string>
#include <string_view>

namespace podstep::podsim {

/// Five characters of Kubernetes' random-name alphabet ("bcdfghjklmnpqrstvwxz2456789"),
/// a function of `seed`.
std::string StableSuffix(std::string_view seed);

/// A version-4-shaped UUID ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"), a
/// function of `seed`.
std::string StableUid(std::string_view seed);

}  // namespace podstep::podsim
