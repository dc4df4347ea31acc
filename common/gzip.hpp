#pragma once
// gzip through zlib: responses compressed for clients that accept it, and request bodies that
// arrive compressed (Sentry's SDKs gzip their envelopes).

#include <optional>
#include <string>
#include <string_view>

namespace stackwatch {

std::optional<std::string> gzip(const std::string& body);

// gzip or zlib ("deflate") data inflated; nullopt when it is neither or inflates past
// `max_bytes` (a small body must not become a huge one).
std::optional<std::string> inflate_body(std::string_view compressed, std::size_t max_bytes);

}  // namespace stackwatch
