#pragma once
// Reading typed fields of a Kubernetes object (nlohmann::json) with errors
// that name the field by its JSON path: "spec.volumes[0].name: required",
// "unsupported field spec.volumes[0].nfs". Pure.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"

namespace podstep::podsim {

/// "path.field" ("field" when `path` is empty), for errors naming a field.
std::string FieldPath(const std::string& path, const std::string& field);
/// "path[i]", for errors naming a list element.
std::string Index(const std::string& path, size_t i);

/// Fails with "unsupported field <path>.<key>" for the first key of `object`
/// not in `known`, or "<path>: must be an object" when it is not one.
Status CheckFields(const nlohmann::json& object, const std::string& path,
                   std::initializer_list<std::string_view> known);

/// `object[key]` as a string; "" when absent or null (an error when `required`).
Result<std::string> StringField(const nlohmann::json& object, const char* key,
                                const std::string& path, bool required);

/// `object[key]` as a boolean; `fallback` when absent or null.
Result<bool> BoolField(const nlohmann::json& object, const char* key, const std::string& path,
                       bool fallback);

/// `object[key]` as an integer within [min, max]; nullopt when absent or null.
Result<std::optional<int64_t>> IntField(const nlohmann::json& object, const char* key,
                                        const std::string& path, int64_t min, int64_t max);

}  // namespace podstep::podsim
