#include "ruler/storage/memory_store.hpp"

#include <algorithm>
#include <bit>
#include <deque>
#include <mutex>

namespace stackwatch::storage {

using promql::Labels;
using promql::Matcher;
using promql::MatchType;
using promql::Sample;
using promql::Series;
using promql::Timestamp;

namespace {

struct StoredSeries {
    Labels labels;
    std::deque<Sample> samples;
    std::uint64_t created;  // the order of creation, in which selects return series
};

bool created_before(const StoredSeries* a, const StoredSeries* b) {
    return a->created < b->created;
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Rough per-entry overheads of the containers involved; good enough to report bytes per sample.
constexpr std::size_t kSeriesOverhead = 128;
constexpr std::size_t kLabelOverhead = 2 * sizeof(std::string);

std::size_t label_bytes(const Labels& labels) {
    std::size_t bytes = 0;
    for (const auto& l : labels) bytes += kLabelOverhead + l.name.capacity() + l.value.capacity();
    return bytes;
}

}  // namespace

struct MemoryStore::Impl {
    MemoryStoreOptions options;
    mutable std::shared_mutex mutex;
    // Hash buckets hold more than one series only on a hash collision.
    std::unordered_map<std::uint64_t, std::vector<StoredSeries>> series;
    // Most selectors name their metric, so this index avoids scanning every series for them.
    std::unordered_map<std::string, std::vector<const StoredSeries*>> by_name;
    std::uint64_t series_created = 0;
    std::size_t series_count = 0;
    std::size_t sample_count = 0;
    std::size_t label_bytes = 0;

    StoredSeries* find(const Labels& labels) {
        auto it = series.find(labels.hash());
        if (it == series.end()) return nullptr;
        for (auto& s : it->second)
            if (s.labels == labels) return &s;
        return nullptr;
    }

    void rebuild_name_index() {
        by_name.clear();
        for (auto& [hash, bucket] : series)
            for (auto& s : bucket) by_name[s.labels.get(promql::kMetricName)].push_back(&s);
        for (auto& [name, members] : by_name)
            std::sort(members.begin(), members.end(), created_before);
    }
};

MemoryStore::MemoryStore(MemoryStoreOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = options;
}

MemoryStore::~MemoryStore() = default;

AppendResult MemoryStore::append(const Labels& labels, Timestamp t, double v) {
    std::unique_lock lock(impl_->mutex);
    StoredSeries* s = impl_->find(labels);
    if (s == nullptr) {
        if (impl_->series_count >= impl_->options.max_series) return AppendResult::series_limit;
        auto& bucket = impl_->series[labels.hash()];
        bucket.push_back(StoredSeries{labels, {}, impl_->series_created++});
        ++impl_->series_count;
        impl_->label_bytes += label_bytes(labels);
        // Growing a bucket may move its series, so the index is rebuilt in that rare case.
        if (bucket.size() > 1) {
            impl_->rebuild_name_index();
        } else {
            impl_->by_name[labels.get(promql::kMetricName)].push_back(&bucket.back());
        }
        s = &bucket.back();
    } else if (!s->samples.empty()) {
        const Sample& last = s->samples.back();
        // Re-appending the identical sample is a no-op (a retried scrape); anything else at or
        // before the last timestamp would rewrite history that rules may already have seen.
        if (t == last.t && same_bits(v, last.v)) return AppendResult::ok;
        if (t <= last.t) return AppendResult::out_of_order;
    }
    s->samples.push_back(Sample{t, v});
    ++impl_->sample_count;
    return AppendResult::ok;
}

void MemoryStore::truncate_before(Timestamp t) {
    std::unique_lock lock(impl_->mutex);
    bool removed_series = false;
    for (auto it = impl_->series.begin(); it != impl_->series.end();) {
        auto& bucket = it->second;
        for (auto& s : bucket) {
            while (!s.samples.empty() && s.samples.front().t < t) {
                s.samples.pop_front();
                --impl_->sample_count;
            }
        }
        auto gone = std::remove_if(bucket.begin(), bucket.end(),
                                   [](const StoredSeries& s) { return s.samples.empty(); });
        for (auto g = gone; g != bucket.end(); ++g) impl_->label_bytes -= label_bytes(g->labels);
        impl_->series_count -= static_cast<std::size_t>(bucket.end() - gone);
        removed_series |= gone != bucket.end();
        bucket.erase(gone, bucket.end());
        it = bucket.empty() ? impl_->series.erase(it) : std::next(it);
    }
    if (removed_series) impl_->rebuild_name_index();
}

void MemoryStore::clear() {
    std::unique_lock lock(impl_->mutex);
    impl_->series.clear();
    impl_->by_name.clear();
    impl_->series_count = 0;
    impl_->sample_count = 0;
    impl_->label_bytes = 0;
}

std::vector<Series> MemoryStore::select(const std::vector<Matcher>& matchers, Timestamp mint,
                                        Timestamp maxt) const {
    std::shared_lock lock(impl_->mutex);
    std::vector<Series> out;
    auto consider = [&](const StoredSeries& s) {
        for (const auto& m : matchers)
            if (!m.matches(s.labels.get(m.name()))) return;
        auto first = std::lower_bound(s.samples.begin(), s.samples.end(), mint,
                                      [](const Sample& x, Timestamp t) { return x.t < t; });
        auto last = std::upper_bound(first, s.samples.end(), maxt,
                                     [](Timestamp t, const Sample& x) { return t < x.t; });
        if (first == last) return;
        out.push_back(Series{s.labels, std::vector<Sample>(first, last)});
    };
    auto name_matcher = std::find_if(matchers.begin(), matchers.end(), [](const Matcher& m) {
        return m.type() == MatchType::equal && m.name() == promql::kMetricName;
    });
    if (name_matcher != matchers.end()) {
        auto it = impl_->by_name.find(name_matcher->value());
        if (it != impl_->by_name.end())
            for (const auto* s : it->second) consider(*s);
    } else {
        std::vector<const StoredSeries*> all;
        all.reserve(impl_->series_count);
        for (const auto& [hash, bucket] : impl_->series)
            for (const auto& s : bucket) all.push_back(&s);
        std::sort(all.begin(), all.end(), created_before);
        for (const auto* s : all) consider(*s);
    }
    return out;
}

std::size_t MemoryStore::series_count() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->series_count;
}

std::size_t MemoryStore::sample_count() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->sample_count;
}

std::size_t MemoryStore::memory_bytes() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->series_count * kSeriesOverhead + impl_->label_bytes +
           impl_->sample_count * sizeof(Sample);
}

}  // namespace stackwatch::storage
