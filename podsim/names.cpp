#include "podsim/names.h"

#include "common/go_quote.h"

namespace podstep::podsim {
namespace {

constexpr const char* kLabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr const char* kSubdomainFormat =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$
bool MatchesLabel(std::string_view value) {
  if (value.empty() || !IsLowerAlnum(value.front()) || !IsLowerAlnum(value.back())) return false;
  for (char c : value) {
    if (!IsLowerAlnum(c) && c != '-') return false;
  }
  return true;
}

// Labels joined by dots (no length limit on each: the regex has none).
bool MatchesSubdomain(std::string_view value) {
  for (;;) {
    const size_t dot = value.find('.');
    if (!MatchesLabel(value.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    value.remove_prefix(dot + 1);
  }
}

std::string MaxLenError(size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

// validation.RegexError, its odd double space included ("'my-name',  or").
std::string RegexError(std::string message, const char* format,
                       const std::vector<const char*>& examples) {
  message += " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i > 0) message += " or ";
    message += "'" + std::string(examples[i]) + "', ";
  }
  return message + "regex used for validation is '" + format + "')";
}

// Go's %q of the value, cut (between UTF-8 sequences) after 256 bytes: a
// hostile name may be megabytes long.
std::string QuoteValue(std::string_view value) {
  constexpr size_t kShown = 256;
  if (value.size() <= kShown) return GoQuote(value);
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return GoQuote(value.substr(0, cut)) + "...";
}

Status Aggregate(std::string_view field, std::string_view value,
                 const std::vector<std::string>& errors) {
  if (errors.empty()) return {};
  if (errors.size() == 1) return Fail(FieldInvalid(field, value, errors[0]));
  std::string all = "[";
  for (size_t i = 0; i < errors.size(); ++i) {
    all += (i ? ", " : "") + FieldInvalid(field, value, errors[i]);
  }
  return Fail(all + "]");
}

}  // namespace

std::vector<std::string> Dns1123LabelErrors(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kDns1123LabelMaxLength) errors.push_back(MaxLenError(kDns1123LabelMaxLength));
  if (!MatchesLabel(value)) {
    if (MatchesSubdomain(value)) {
      errors.push_back("must not contain dots");  // a subdomain of the right length
    } else {
      errors.push_back(RegexError(
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or "
          "'-', and must start and end with an alphanumeric character",
          kLabelFormat, {"my-name", "123-abc"}));
    }
  }
  return errors;
}

std::vector<std::string> Dns1123SubdomainErrors(std::string_view value) {
  std::vector<std::string> errors;
  if (value.size() > kDns1123SubdomainMaxLength) {
    errors.push_back(MaxLenError(kDns1123SubdomainMaxLength));
  }
  if (!MatchesSubdomain(value)) {
    errors.push_back(RegexError(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
        "or '.', and must start and end with an alphanumeric character",
        kSubdomainFormat, {"example.com"}));
  }
  return errors;
}

std::string FieldInvalid(std::string_view field, std::string_view value, std::string_view detail) {
  return std::string(field) + ": Invalid value: " + QuoteValue(value) + ": " + std::string(detail);
}

std::string FieldRequired(std::string_view field, std::string_view detail) {
  return std::string(field) + ": Required value" + (detail.empty() ? "" : ": ") +
         std::string(detail);
}

std::string FieldDuplicate(std::string_view field, std::string_view value) {
  return std::string(field) + ": Duplicate value: " + QuoteValue(value);
}

std::string FieldNotFound(std::string_view field, std::string_view value) {
  return std::string(field) + ": Not found: " + QuoteValue(value);
}

Status ValidateDns1123Label(std::string_view field, std::string_view value) {
  return Aggregate(field, value, Dns1123LabelErrors(value));
}

Status ValidateDns1123Subdomain(std::string_view field, std::string_view value) {
  return Aggregate(field, value, Dns1123SubdomainErrors(value));
}

}  // namespace podstep::podsim
