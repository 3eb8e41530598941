#pragma once
// Kubernetes' name rules (k8s.io/apimachinery/pkg/util/validation) and its
// field error texts (…/validation/field), with the API server's exact
// wording. podsim checks every name that becomes part of a host path (the
// pod directory, volume directories, container roots, log files) with these
// before anything touches the file system: `../x` is an error, never a path.
// Pure functions, no regular expression.

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace podstep::podsim {

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;

/// validation.IsDNS1123Label: why `value` is not a DNS-1123 label (container,
/// volume, namespace names); empty when it is one. E.g. "must be no more than
/// 63 characters", "must not contain dots", or the regex message.
std::vector<std::string> Dns1123LabelErrors(std::string_view value);

/// validation.IsDNS1123Subdomain: why `value` is not a DNS-1123 subdomain
/// (object names: pods, TaskRuns); empty when it is one.
std::vector<std::string> Dns1123SubdomainErrors(std::string_view value);

/// field.Error texts: `<field>: Invalid value: "<value>": <detail>` (the value
/// quoted like Go's %q, cut after 256 bytes), `<field>: Required value[:
/// <detail>]`, `<field>: Duplicate value: "<value>"`, `<field>: Not found:
/// "<value>"`.
std::string FieldInvalid(std::string_view field, std::string_view value, std::string_view detail);
std::string FieldRequired(std::string_view field, std::string_view detail = "");
std::string FieldDuplicate(std::string_view field, std::string_view value);
std::string FieldNotFound(std::string_view field, std::string_view value);

/// `value` at `field` must be a DNS-1123 label / subdomain. The error is
/// FieldInvalid's text for each reason, aggregated as the API server prints
/// a list ("[e1, e2]" when there are two).
Status ValidateDns1123Label(std::string_view field, std::string_view value);
Status ValidateDns1123Subdomain(std::string_view field, std::string_view value);

}  // namespace podstep::podsim
