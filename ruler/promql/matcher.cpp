#include "ruler/promql/matcher.hpp"
#include "ruler/promql/value.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace stackwatch::promql {

Matcher::Matcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {
    if (type_ == MatchType::regex || type_ == MatchType::not_regex) {
        RE2::Options options;
        options.set_log_errors(false);
        // Prometheus anchors both ends: the whole label value must match.
        auto re = std::make_shared<re2::RE2>("^(?:" + value_ + ")$", options);
        if (!re->ok()) throw std::invalid_argument(re->error());
        regex_ = std::move(re);
    }
}

bool Matcher::matches(std::string_view value) const {
    switch (type_) {
        case MatchType::equal:
            return value == value_;
        case MatchType::not_equal:
            return value != value_;
        case MatchType::regex:
            return RE2::PartialMatch(value, *regex_);
        case MatchType::not_regex:
            return !RE2::PartialMatch(value, *regex_);
    }
    return false;
}

std::string Matcher::to_string() const {
    static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
    return name_ + kOps[static_cast<int>(type_)] + go_quote(value_);
}

}  // namespace stackwatch::promql
