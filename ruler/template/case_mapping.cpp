#include "ruler/template/case_mapping.hpp"

#include <cctype>

#include "ruler/template/utf8.hpp"

namespace stackwatch::tmpl {
namespace {

struct CaseRange {
    char32_t upper_first, upper_last;
    char32_t offset;  // lower = upper + offset
};
constexpr CaseRange kCaseRanges[] = {
    {U'A', U'Z', 0x20},   {0xC0, 0xD6, 0x20},   {0xD8, 0xDE, 0x20},  {0x391, 0x3A1, 0x20},
    {0x3A3, 0x3AB, 0x20}, {0x410, 0x42F, 0x20}, {0x400, 0x40F, 0x50}};

char32_t change_case(char32_t c, bool upper) {
    for (const auto& r : kCaseRanges) {
        if (!upper && c >= r.upper_first && c <= r.upper_last) return c + r.offset;
        if (upper && c >= r.upper_first + r.offset && c <= r.upper_last + r.offset)
            return c - r.offset;
    }
    return c;
}

bool is_cased(char32_t c) {
    return change_case(c, true) != c || change_case(c, false) != c;
}

template <typename F>
std::string map_runes(const std::string& s, F f) {
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        Rune r = decode_rune(s, i);
        if (r.valid)
            append_utf8(out, f(r.value));
        else
            out += s[i];
        i += r.length;
    }
    return out;
}

// Word-break classes x/text's title caser uses.
enum class Break { letter, mid, other };
Break break_class(char32_t c) {
    if (c < 0x80) {
        if (std::isalnum(static_cast<int>(c)) || c == '_') return Break::letter;
        if (c == '.' || c == ':' || c == '\'') return Break::mid;
        return Break::other;
    }
    if (c == 0xB7 || c == 0x2018 || c == 0x2019 || c == 0x2024 || c == 0x2027) return Break::mid;
    bool latin1_punctuation =
        (c >= 0xA0 && c <= 0xBF && c != 0xAA && c != 0xAD && c != 0xB5 && c != 0xBA) || c == 0xD7 ||
        c == 0xF7;
    bool general_punctuation = c >= 0x2000 && c <= 0x206F && !(c >= 0x200C && c <= 0x200F) &&
                               !(c >= 0x202A && c <= 0x202E) && c < 0x2060;
    bool cjk_punctuation = c >= 0x3000 && c <= 0x3003;
    if (latin1_punctuation || general_punctuation || cjk_punctuation) return Break::other;
    return Break::letter;
}

}  // namespace

std::string to_upper(const std::string& s) {
    return map_runes(s, [](char32_t c) { return change_case(c, true); });
}

std::string to_lower(const std::string& s) {
    return map_runes(s, [](char32_t c) { return change_case(c, false); });
}

std::string strings_title(const std::string& s) {
    std::string out = s;
    bool after_separator = true;
    for (char& c : out) {
        auto u = static_cast<unsigned char>(c);
        bool separator = u < 0x80 && !(std::isalnum(u) || c == '_');
        if (after_separator && u < 0x80 && std::islower(u)) c = static_cast<char>(std::toupper(u));
        after_separator = separator;
    }
    return out;
}

std::string cases_title(const std::string& s) {
    bool mid_word = false;
    bool previous_mid = false;
    return map_runes(s, [&](char32_t c) {
        Break kind = break_class(c);
        if (previous_mid && kind == Break::mid) mid_word = false;
        previous_mid = kind == Break::mid;
        if (is_cased(c)) {
            char32_t mapped = change_case(c, !mid_word);
            mid_word = true;
            return mapped;
        }
        if (kind == Break::other) mid_word = false;
        return c;
    });
}

}  // namespace stackwatch::tmpl
