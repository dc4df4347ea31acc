#pragma once
// What every harness shares: the input as text, and a mode byte for harnesses that drive more
// than one entry point with the same bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace stackwatch::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// The first byte picks a mode (its value modulo `modes`); the rest is the input.
struct Split {
    unsigned mode = 0;
    std::string_view rest;
};
inline Split split_mode(const std::uint8_t* data, std::size_t size, unsigned modes) {
    if (size == 0) return {};
    return {static_cast<unsigned>(data[0] % modes), as_text(data + 1, size - 1)};
}

}  // namespace stackwatch::fuzz
