#include "ruler/promql/matcher.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <stdexcept>

#include "ruler/promql/value.hpp"

namespace stackwatch::promql {
namespace {

bool is_regex_syntax(char c) {
    return std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos;
}

// Spells out the strings a regex of literal text, `|` and groups can match
// (`BenchAlert(1|6|11)`, `api|web`): the set Prometheus's FastRegexMatcher finds. Anything else
// (classes, repetition, anchors, flags) or more than kMaxStrings strings gives up.
class FiniteLanguage {
  public:
    static constexpr std::size_t kMaxStrings = 256;
    explicit FiniteLanguage(std::string_view pattern) : pattern_(pattern) {}

    std::optional<std::vector<std::string>> strings() {
        auto out = alternation();
        if (!out || at_ != pattern_.size()) return std::nullopt;
        std::sort(out->begin(), out->end());
        out->erase(std::unique(out->begin(), out->end()), out->end());
        return out;
    }

  private:
    std::optional<std::vector<std::string>> alternation() {
        auto out = concatenation();
        while (out && at_ < pattern_.size() && pattern_[at_] == '|') {
            ++at_;
            auto next = concatenation();
            if (!next || out->size() + next->size() > kMaxStrings) return std::nullopt;
            out->insert(out->end(), next->begin(), next->end());
        }
        return out;
    }

    std::optional<std::vector<std::string>> concatenation() {
        std::vector<std::string> out(1);
        while (at_ < pattern_.size() && pattern_[at_] != '|' && pattern_[at_] != ')') {
            char c = pattern_[at_++];
            if (c == '(') {
                if (pattern_.substr(at_, 2) == "?:") at_ += 2;
                auto inner = alternation();
                if (!inner || at_ == pattern_.size() || pattern_[at_] != ')' ||
                    out.size() * inner->size() > kMaxStrings)
                    return std::nullopt;
                ++at_;
                std::vector<std::string> product;
                for (const auto& head : out)
                    for (const auto& tail : *inner) product.push_back(head + tail);
                out = std::move(product);
                continue;
            }
            if (c == '\\') {
                // \d, \w, \Q... are classes or quoting; only escaped punctuation is itself.
                if (at_ == pattern_.size() ||
                    !std::ispunct(static_cast<unsigned char>(pattern_[at_])))
                    return std::nullopt;
                c = pattern_[at_++];
            } else if (is_regex_syntax(c)) {
                return std::nullopt;
            }
            for (auto& s : out) s += c;
        }
        return out;
    }

    std::string_view pattern_;
    std::size_t at_ = 0;
};

}  // namespace

Matcher::Matcher(MatchType type, std::string name, std::string value)
    : type_(type), name_(std::move(name)), value_(std::move(value)) {
    if (type_ == MatchType::regex || type_ == MatchType::not_regex) {
        RE2::Options options;
        options.set_log_errors(false);
        // Prometheus anchors both ends: the whole label value must match.
        auto re = std::make_shared<re2::RE2>("^(?:" + value_ + ")$", options);
        if (!re->ok()) throw std::invalid_argument(re->error());
        regex_ = std::move(re);
        if (auto literals = FiniteLanguage(value_).strings()) alternatives_ = std::move(*literals);
    }
}

bool Matcher::matches(std::string_view value) const {
    switch (type_) {
        case MatchType::equal:
            return value == value_;
        case MatchType::not_equal:
            return value != value_;
        case MatchType::regex:
            return matches_regex(value);
        case MatchType::not_regex:
            return !matches_regex(value);
    }
    return false;
}

bool Matcher::matches_regex(std::string_view value) const {
    if (!alternatives_.empty())
        return std::binary_search(alternatives_.begin(), alternatives_.end(), value);
    return RE2::PartialMatch(value, *regex_);
}

std::span<const std::string> Matcher::fixed_values() const {
    if (type_ == MatchType::equal) return {&value_, 1};
    if (type_ == MatchType::regex) return alternatives_;
    return {};
}

std::string Matcher::to_string() const {
    static constexpr const char* kOps[] = {"=", "!=", "=~", "!~"};
    return name_ + kOps[static_cast<int>(type_)] + go_quote(value_);
}

}  // namespace stackwatch::promql
