#include "ruler/template/utf8.hpp"

namespace stackwatch::tmpl {

Rune decode_rune(std::string_view s, std::size_t i) {
    constexpr Rune kInvalid{0xFFFD, 1, false};
    auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) return {b, 1, true};
    std::size_t length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (length == 0 || b >= 0xF8 || i + length > s.size()) return kInvalid;
    char32_t value = b & (0x7F >> length);
    for (std::size_t k = 1; k < length; ++k) {
        auto cont = static_cast<unsigned char>(s[i + k]);
        if ((cont & 0xC0) != 0x80) return kInvalid;
        value = (value << 6) | (cont & 0x3F);
    }
    return {value, length, true};
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

}  // namespace stackwatch::tmpl
