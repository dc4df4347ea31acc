#pragma once
// The embedded series store: keeps only the window the rules need (their largest range plus the
// lookback), bounded by a series limit, each series' samples compressed in XOR chunks. Scrapes and
// rule results append while rules query, so it is safe for concurrent use. Selects return series in
// the order they were created, as Prometheus's head does, so that aggregations add them up in the
// order Prometheus would.

#include <cstddef>
#include <memory>
#include <shared_mutex>
#include <unordered_map>

#include "ruler/promql/queryable.hpp"

namespace stackwatch::storage {

struct MemoryStoreOptions {
    std::size_t max_series = 1'000'000;
};

enum class AppendResult { ok, out_of_order, series_limit };

class MemoryStore : public promql::Queryable {
  public:
    explicit MemoryStore(MemoryStoreOptions options = {});
    ~MemoryStore() override;

    AppendResult append(const promql::Labels& labels, promql::Timestamp t, double v);
    // Drops the chunks that end before t and the series left without samples; selects return
    // no sample before t from then on. sample_count() counts what the kept chunks hold.
    void truncate_before(promql::Timestamp t);
    void clear();

    std::vector<promql::Series> select(const std::vector<promql::Matcher>& matchers,
                                       promql::Timestamp mint,
                                       promql::Timestamp maxt) const override;

    std::size_t series_count() const;
    std::size_t sample_count() const;
    std::size_t memory_bytes() const;  // an estimate for bytes-per-sample reporting
    std::size_t chunk_bytes() const;   // the part of it the samples' chunks take

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace stackwatch::storage
