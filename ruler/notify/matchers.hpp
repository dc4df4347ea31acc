#pragma once
// Alertmanager's label matchers: the tolerant syntax of `matchers:` lists, amtool arguments and
// silences (`{a="b", c=~"d"}`, `a=b`, unquoted values, OpenMetrics escapes), their sort order and
// their printed form, which amtool's route tree and route keys show.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ruler/promql/matcher.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::notify {

using promql::Matcher;
using promql::MatchType;
using Matchers = std::vector<Matcher>;

// What is wrong with a matcher, in Alertmanager's words ("bad matcher format: x").
class MatcherError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// labels.ParseMatcher: one matcher. Throws MatcherError.
Matcher parse_matcher(std::string_view text);
// labels.ParseMatchers: comma-separated matchers, braces optional, commas inside quotes kept.
Matchers parse_matchers(std::string_view text);

// name="value" with the value OpenMetrics-escaped, as Alertmanager prints a matcher.
std::string matcher_string(const Matcher& matcher);
// {a="b",c=~"d"}
std::string matchers_string(const Matchers& matchers);
// By name, then value, then type (=, !=, =~, !~), as labels.Matchers sorts.
void sort_matchers(Matchers& matchers);
// Every matcher holds; an absent label is the empty string.
bool matches_all(const Matchers& matchers, const promql::Labels& labels);

}  // namespace stackwatch::notify
