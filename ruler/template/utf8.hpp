#pragma once
// UTF-8 as Go's utf8 package reads and writes it, for the functions and escapers that work on
// code points.

#include <cstddef>
#include <string>
#include <string_view>

namespace stackwatch::tmpl {

struct Rune {
    char32_t value;      // U+FFFD for a byte that starts no well-formed sequence
    std::size_t length;  // 1 for such a byte
    bool valid;
};

// utf8.DecodeRuneInString at `i`, which must be inside `s`.
Rune decode_rune(std::string_view s, std::size_t i);
void append_utf8(std::string& out, char32_t c);

}  // namespace stackwatch::tmpl
