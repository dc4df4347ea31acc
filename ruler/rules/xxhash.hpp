#pragma once
// XXH64 (seed 0), the hash Prometheus uses for label sets: a group's evaluation offset within its
// interval comes from it, so a group keeps the same phase here as in Prometheus.

#include <cstdint>
#include <string_view>

namespace stackwatch::rules {

std::uint64_t xxhash64(std::string_view data);

}  // namespace stackwatch::rules
