#include "ruler/notify/matchers.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <tuple>

namespace stackwatch::notify {
namespace {

// Latin-1, so that bytes of invalid UTF-8 reach the value check below instead of failing the
// match: Alertmanager reports those as "not valid UTF-8".
const RE2& matcher_syntax() {
    static const RE2 syntax = [] {
        RE2::Options options;
        options.set_encoding(RE2::Options::EncodingLatin1);
        options.set_dot_nl(true);
        return RE2(R"(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|=|!=|!~)\s*(.*?)\s*)", options);
    }();
    return syntax;
}

MatchType match_type(std::string_view op) {
    if (op == "=") return MatchType::equal;
    if (op == "!=") return MatchType::not_equal;
    if (op == "=~") return MatchType::regex;
    return MatchType::not_regex;
}

bool valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = byte < 0x80           ? 1
                             : (byte >> 5) == 0x6  ? 2
                             : (byte >> 4) == 0xE  ? 3
                             : (byte >> 3) == 0x1E ? 4
                                                   : 0;
        if (length == 0 || i + length > text.size()) return false;
        std::uint32_t code = length == 1 ? byte : byte & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            auto next = static_cast<unsigned char>(text[i + k]);
            if ((next >> 6) != 0x2) return false;
            code = (code << 6) | (next & 0x3F);
        }
        static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
        if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        i += length;
    }
    return true;
}

// OpenMetrics unescaping with Alertmanager's tolerance: a stray backslash is literal, and only a
// trailing quote that matches a leading one may stand unescaped.
std::string unescape_value(std::string_view raw) {
    std::string_view original = raw;
    bool expect_trailing_quote = false;
    if (raw.starts_with('"')) {
        raw.remove_prefix(1);
        expect_trailing_quote = true;
    }
    if (!valid_utf8(raw))
        throw MatcherError("matcher value not valid UTF-8: " + std::string(original));
    std::string value;
    bool escaped = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char c = raw[i];
        if (escaped) {
            escaped = false;
            if (c == 'n') {
                value += '\n';
            } else if (c == '"' || c == '\\') {
                value += c;
            } else {
                value += '\\';
                value += c;
            }
            continue;
        }
        if (c == '\\') {
            if (i + 1 < raw.size()) {
                escaped = true;
                continue;
            }
            value += '\\';
        } else if (c == '"') {
            if (!expect_trailing_quote || i + 1 < raw.size())
                throw MatcherError("matcher value contains unescaped double quote: " +
                                   std::string(original));
            expect_trailing_quote = false;
        } else {
            value += c;
        }
    }
    if (expect_trailing_quote)
        throw MatcherError("matcher value contains unescaped double quote: " +
                           std::string(original));
    return value;
}

}  // namespace

Matcher parse_matcher(std::string_view text) {
    std::string name, op, raw;
    if (!RE2::FullMatch(text, matcher_syntax(), &name, &op, &raw))
        throw MatcherError("bad matcher format: " + std::string(text));
    try {
        return Matcher(match_type(op), std::move(name), unescape_value(raw));
    } catch (const MatcherError&) {
        throw;
    } catch (const std::invalid_argument& e) {
        throw MatcherError(std::string("error parsing regexp: ") + e.what());
    }
}

Matchers parse_matchers(std::string_view text) {
    if (text.starts_with('{')) text.remove_prefix(1);
    if (text.ends_with('}')) text.remove_suffix(1);
    std::vector<std::string> tokens;
    std::string token;
    bool inside_quotes = false;
    bool escaped = false;
    for (char c : text) {
        if (c == ',' && !inside_quotes) {
            tokens.push_back(std::move(token));
            token.clear();
            continue;
        }
        if (c == '"') {
            if (!escaped)
                inside_quotes = !inside_quotes;
            else
                escaped = false;
        } else if (c == '\\') {
            escaped = !escaped;
        } else {
            escaped = false;
        }
        token += c;
    }
    // Only the last token is trimmed and dropped when blank, so "a=b, " ends cleanly while an
    // empty token between commas is still a format error, as in Alertmanager.
    auto first = token.find_first_not_of(" \t\n\v\f\r");
    if (first != std::string::npos) {
        auto last = token.find_last_not_of(" \t\n\v\f\r");
        tokens.push_back(token.substr(first, last - first + 1));
    }
    Matchers out;
    out.reserve(tokens.size());
    for (const auto& t : tokens) out.push_back(parse_matcher(t));
    return out;
}

std::string matcher_string(const Matcher& matcher) {
    static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
    std::string out = matcher.name() + kOps[static_cast<int>(matcher.type())] + '"';
    for (char c : matcher.value()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"')
            out += "\\\"";
        else
            out += c;
    }
    return out + '"';
}

std::string matchers_string(const Matchers& matchers) {
    std::string out = "{";
    for (std::size_t i = 0; i < matchers.size(); ++i) {
        if (i > 0) out += ',';
        out += matcher_string(matchers[i]);
    }
    return out + "}";
}

void sort_matchers(Matchers& matchers) {
    std::stable_sort(matchers.begin(), matchers.end(), [](const Matcher& a, const Matcher& b) {
        return std::forward_as_tuple(a.name(), a.value(), a.type()) <
               std::forward_as_tuple(b.name(), b.value(), b.type());
    });
}

bool matches_all(const Matchers& matchers, const promql::Labels& labels) {
    return std::all_of(matchers.begin(), matchers.end(),
                       [&](const Matcher& m) { return m.matches(labels.get(m.name())); });
}

}  // namespace stackwatch::notify
