#pragma once
// One place that knows what a secret looks like, so logs, errors and pages never print one.

#include <string>
#include <string_view>

namespace stackwatch {

// Masks passwords in URLs (scheme://user:secret@host), key=value secrets in DSNs and query strings
// (password=, token=, ...), and credentials in Authorization headers. The rest is kept as is.
std::string redact(std::string_view text);

}  // namespace stackwatch
