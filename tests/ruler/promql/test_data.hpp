#pragma once
// Loads series written in Prometheus's series notation into a store for engine tests.

#include <initializer_list>
#include <string>

#include "ruler/promql/series_notation.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::promql::test {

inline void load(storage::MemoryStore& store, std::int64_t step_ms,
                 std::initializer_list<std::string> lines) {
    for (const auto& line : lines) {
        SeriesDescription desc = parse_series_description(line);
        for (const auto& s : expand_samples(desc.values, 0, step_ms))
            if (store.append(desc.labels, s.t, s.v) != storage::AppendResult::ok)
                throw std::runtime_error("cannot load " + line);
    }
}

inline constexpr std::int64_t kSecond = 1000;
inline constexpr std::int64_t kMinute = 60 * kSecond;

}  // namespace stackwatch::promql::test
