#pragma once
// Reads what scrapes left in a MemoryStore, for assertions.

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ruler/promql/matcher.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::test {

// Every sample of the series matching name and label=value pairs; empty when none.
inline std::vector<promql::Series> series_of(
    const storage::MemoryStore& store, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& labels = {}) {
    std::vector<promql::Matcher> matchers{{promql::MatchType::equal, "__name__", name}};
    for (const auto& [label, value] : labels)
        matchers.emplace_back(promql::MatchType::equal, label, value);
    return store.select(matchers, std::numeric_limits<promql::Timestamp>::min(),
                        std::numeric_limits<promql::Timestamp>::max());
}

// The latest sample of the one series matching, if there is one.
inline std::optional<promql::Sample> latest(
    const storage::MemoryStore& store, const std::string& name,
    const std::vector<std::pair<std::string, std::string>>& labels = {}) {
    auto found = series_of(store, name, labels);
    if (found.size() != 1 || found[0].samples.empty()) return std::nullopt;
    return found[0].samples.back();
}

}  // namespace stackwatch::test
