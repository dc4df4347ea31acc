#include "ruler/errors/glob.hpp"

namespace stackwatch::errors {

Glob::Glob(std::string_view pattern)
    : pattern_(pattern), literal_(pattern.find('*') == std::string_view::npos) {
    std::string regex;
    std::size_t start = 0;
    while (true) {
        auto star = pattern_.find('*', start);
        regex += RE2::QuoteMeta(pattern_.substr(start, star - start));
        if (star == std::string::npos) break;
        regex += "(?s:.*)";
        start = star + 1;
    }
    regex_ = std::make_shared<const RE2>(regex);
}

bool Glob::matches(std::string_view text) const {
    return literal_ ? text == pattern_ : RE2::FullMatch(text, *regex_);
}

std::string Glob::sqlite_glob() const {
    std::string out;
    for (char c : pattern_) {
        if (c == '?' || c == '[')
            out += std::string("[") + c + "]";
        else
            out += c;
    }
    return out;
}

}  // namespace stackwatch::errors
