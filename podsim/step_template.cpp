#include "podsim/step_template.h"

#include <string_view>

namespace podstep::podsim {
namespace {

using nlohmann::json;

// Lists merged item by item, and the key that identifies an item.
const char* MergeKey(std::string_view field) {
  if (field == "env") return "name";
  if (field == "volumeMounts") return "mountPath";
  if (field == "volumeDevices") return "devicePath";
  return nullptr;
}

bool IsUnset(const json& value) {
  return value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
         (value.is_array() && value.empty()) || (value.is_object() && value.empty()) ||
         (value.is_boolean() && !value.get<bool>());
}

json MergeObjects(const json& base, const json& patch);

json KeyOf(const json& item, const char* key) { return item.value(key, json()); }

const json* FindByKey(const json& list, const char* key, const json& value) {
  for (const json& item : list) {
    if (KeyOf(item, key) == value) return &item;
  }
  return nullptr;
}

// strategicpatch's mergeSortedSlice: the template-only items (`left`) are
// slotted among the step's items (`right`), each before the first step
// item the template lists after it.
json MergeSortedSlice(const json& left, const json& right, const json& server, const char* key) {
  auto index = [&](const json& item) -> long {
    for (size_t i = 0; i < server.size(); ++i) {
      if (KeyOf(server[i], key) == KeyOf(item, key)) return static_cast<long>(i);
    }
    return -1;
  };
  json out = json::array();
  size_t i = 0, j = 0;
  while (i < left.size() || j < right.size()) {
    if (j >= right.size()) {
      out.push_back(left[i++]);
    } else if (i >= left.size()) {
      out.push_back(right[j++]);
    } else {
      const long li = index(left[i]), ri = index(right[j]);
      out.push_back(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
    }
  }
  return out;
}

json MergeList(const json& base, const json& patch, const char* key) {
  json merged = json::array();
  for (const json& item : patch) {
    const json* existing = FindByKey(base, key, KeyOf(item, key));
    json m = existing ? MergeObjects(*existing, item) : item;
    // amendConflictingContainerFields: value and valueFrom cannot both stay.
    if (m.contains("value") && m.contains("valueFrom") && !IsUnset(m["value"])) m = item;
    merged.push_back(std::move(m));
  }
  json template_only = json::array();
  for (const json& item : base) {
    if (!FindByKey(patch, key, KeyOf(item, key))) template_only.push_back(item);
  }
  return MergeSortedSlice(template_only, merged, base, key);
}

json MergeObjects(const json& base, const json& patch) {
  json out = base;
  for (const auto& [field, value] : patch.items()) {
    if (IsUnset(value)) continue;
    auto it = out.find(field);
    if (it == out.end() || IsUnset(*it)) {
      out[field] = value;
    } else if (const char* key = MergeKey(field); key != nullptr && value.is_array()) {
      out[field] = MergeList(*it, value, key);
    } else if (value.is_object() && it->is_object()) {
      out[field] = MergeObjects(*it, value);
    } else {
      out[field] = value;
    }
  }
  return out;
}

}  // namespace

json MergeStepWithTemplate(const json& step_template, const json& step) {
  return MergeObjects(step_template, step);
}

}  // namespace podstep::podsim
