#pragma once
// XXH64 (seed 0) from libxxhash over a string: the hash Prometheus uses for label sets (a rule
// group's phase within its interval comes from it) and the error fingerprints' digest.

#include <xxhash.h>

#include <cstdint>
#include <string_view>

namespace stackwatch {

inline std::uint64_t xxhash64(std::string_view data) {
    return XXH64(data.data(), data.size(), 0);
}

}  // namespace stackwatch
