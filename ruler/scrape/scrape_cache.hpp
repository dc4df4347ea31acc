#pragma once
// What one target's scrapes write to the store, after Prometheus's scrapeLoop.append and
// scrapeCache: every scraped sample under its series' label set (scraped labels merged with the
// target's), and a staleness marker for each series the previous scrape had and this one lacks.
// The label set built for each raw series text is remembered, so a series seen before costs one
// hash lookup rather than a label set per scrape.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "ruler/promql/value.hpp"
#include "ruler/scrape/text_parser.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::scrape {

struct AppendOptions {
    promql::Labels target_labels;
    bool honor_labels = false;
    bool honor_timestamps = true;
    std::uint64_t sample_limit = 0;  // 0: unlimited
};

struct AppendResult {
    std::size_t scraped = 0;       // samples in the body
    std::size_t series_added = 0;  // series the previous scrapes did not have
    std::size_t rejected = 0;      // out of order, duplicate, or over the store's series limit
    std::string error;             // parse error or sample limit: nothing of the body was stored
};

class ScrapeCache {
  public:
    explicit ScrapeCache(AppendOptions options);

    // Parses the body and appends its samples at t (or at their own timestamps). A body that
    // fails to parse or exceeds the sample limit is appended as if empty, so the previous
    // scrape's series go stale, and the reason comes back in `error`.
    AppendResult append(std::string_view body, ExpositionFormat format, promql::Timestamp t,
                        storage::MemoryStore& store);
    // Staleness markers at t for every series of the last scrape: it failed, or the target left.
    void mark_stale(promql::Timestamp t, storage::MemoryStore& store);

  private:
    struct Entry {
        promql::Labels labels;
        std::uint64_t last_seen = 0;  // scrape number that last stored this series
        bool own_timestamps = false;  // such series never get staleness markers, as in Prometheus
    };
    struct Pending {
        Entry* entry;
        promql::Timestamp t;
        double v;
    };
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const {
            return std::hash<std::string_view>{}(s);
        }
    };

    std::string parse(std::string_view body, ExpositionFormat format, promql::Timestamp t,
                      AppendResult& result);
    Entry& entry_for(const SampleView& sample, AppendResult& result);
    promql::Labels series_labels(const SampleView& sample) const;
    // Stores the pending samples and ends the series the previous scrape had and this one lacks.
    // `forget_missing`: drop the cached series this scrape lacked (only a successful scrape may,
    // so a target that recovers does not count its series as added again).
    void commit(promql::Timestamp t, bool forget_missing, storage::MemoryStore& store,
                AppendResult& result);

    AppendOptions options_;
    std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
    std::vector<Pending> pending_;  // one scrape's samples, kept so a failed one stores nothing
    std::uint64_t scrape_number_ = 0;
};

}  // namespace stackwatch::scrape
