#pragma once
// `promtool check metrics` on an exposition, for every test that lints our output with
// Prometheus's own checker.

#include <set>
#include <string>
#include <vector>

namespace stackwatch::test {

constexpr const char* kPromtool = "/usr/bin/promtool";

// What promtool objects to: its errors if it cannot parse the text, else its lint findings on
// names that do not start with one of `compatibility_prefixes` (names kept as a peer exporter has
// them, which promtool's naming lint complains about). Empty when all is well.
std::vector<std::string> promtool_problems(
    const std::string& exposition, const std::set<std::string>& compatibility_prefixes = {});

}  // namespace stackwatch::test
