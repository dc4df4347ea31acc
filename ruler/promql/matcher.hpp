#pragma once
// Label matchers: =, !=, =~, !~. Regexes are RE2 syntax, fully anchored, as in Prometheus.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace stackwatch::promql {

enum class MatchType { equal, not_equal, regex, not_regex };

class Matcher {
  public:
    // Throws std::invalid_argument with RE2's message for a bad regex.
    Matcher(MatchType type, std::string name, std::string value);
    bool matches(std::string_view value) const;  // an absent label matches as ""

    MatchType type() const { return type_; }
    const std::string& name() const { return name_; }
    const std::string& value() const { return value_; }
    std::string to_string() const;  // name="value", name=~"value", ...
    // The only values this matcher accepts, sorted, when they are a few fixed strings (an
    // equality, or a regex that spells them out); empty for every other matcher.
    std::span<const std::string> fixed_values() const;

  private:
    bool matches_regex(std::string_view value) const;

    MatchType type_;
    std::string name_;
    std::string value_;
    std::shared_ptr<const re2::RE2> regex_;
    // A regex that can only match a few fixed strings (`a|b|c`, `name(1|2)`, as Grafana's
    // multi-value variables and inhibit rules write them) is a lookup in their sorted list;
    // empty for any other regex (such a list always holds at least one string).
    std::vector<std::string> alternatives_;
};

}  // namespace stackwatch::promql
