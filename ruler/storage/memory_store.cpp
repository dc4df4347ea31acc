#include "ruler/storage/memory_store.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <mutex>

#include "ruler/storage/xor_chunk.hpp"

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
    std::vector<XorChunk> chunks;  // full ones, oldest first
    XorHeadChunk head;
    std::uint64_t created;  // the order of creation, in which selects return series

    std::size_t chunk_bytes() const {
        std::size_t bytes = head.memory_bytes() + chunks.capacity() * sizeof(XorChunk);
        for (const auto& c : chunks) bytes += c.memory_bytes() - sizeof(XorChunk);
        return bytes;
    }

    // The samples in [mint, maxt], or none.
    std::vector<Sample> read(Timestamp mint, Timestamp maxt) const {
        auto first =
            std::lower_bound(chunks.begin(), chunks.end(), mint,
                             [](const XorChunk& c, Timestamp t) { return c.max_time() < t; });
        std::vector<Sample> out;
        if (head.last_time() < mint) return out;
        std::size_t at_most = head.samples_from(mint);
        for (auto c = first; c != chunks.end(); ++c) at_most += c->samples();
        out.reserve(at_most);
        for (auto c = first; c != chunks.end(); ++c) {
            c->decode(mint, maxt, out);
            // The next chunk starts after this one's last sample.
            if (c->max_time() >= maxt) return out;
        }
        head.decode(mint, maxt, out);
        return out;
    }
};

bool created_before(const StoredSeries* a, const StoredSeries* b) {
    return a->created < b->created;
}

// The postings key of one label pair; \xff cannot occur in a UTF-8 label name.
std::string posting_key(std::string_view name, std::string_view value) {
    std::string key;
    key.reserve(name.size() + 1 + value.size());
    key.append(name).push_back('\xff');
    key.append(value);
    return key;
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// Rough per-entry overheads of the containers involved (the hash node, its bucket, the name
// index's entry, each label's strings); good enough to report bytes per sample.
constexpr std::size_t kIndexOverhead = 64;
constexpr std::size_t kLabelOverhead = 2 * sizeof(std::string) + sizeof(void*);  // + its posting

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
    // Every label pair's series, in creation order (Prometheus's postings): a selector reads the
    // shortest list among its equality matchers instead of every series of its metric.
    std::unordered_map<std::string, std::vector<const StoredSeries*>> postings;
    std::uint64_t series_created = 0;
    std::size_t series_count = 0;
    std::size_t sample_count = 0;
    std::size_t label_bytes = 0;
    // Truncation drops whole chunks, as Prometheus's head does; selects hide what is left of a
    // chunk before the last truncation, so what a query sees does not depend on chunk bounds.
    Timestamp truncated_before = std::numeric_limits<Timestamp>::min();

    StoredSeries* find(const Labels& labels) {
        auto it = series.find(labels.hash());
        if (it == series.end()) return nullptr;
        for (auto& s : it->second)
            if (s.labels == labels) return &s;
        return nullptr;
    }

    std::size_t chunk_bytes() const {
        std::size_t bytes = 0;
        for (const auto& [hash, bucket] : series)
            for (const auto& s : bucket) bytes += s.chunk_bytes();
        return bytes;
    }

    void index(const StoredSeries& s) {
        for (const auto& l : s.labels) postings[posting_key(l.name, l.value)].push_back(&s);
    }

    void rebuild_index() {
        postings.clear();
        std::vector<const StoredSeries*> all;
        all.reserve(series_count);
        for (const auto& [hash, bucket] : series)
            for (const auto& s : bucket) all.push_back(&s);
        std::sort(all.begin(), all.end(), created_before);
        for (const auto* s : all) index(*s);
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
        bucket.push_back(StoredSeries{labels, {}, {}, impl_->series_created++});
        ++impl_->series_count;
        impl_->label_bytes += label_bytes(labels);
        // Growing a bucket may move its series, so the index is rebuilt in that rare case.
        if (bucket.size() > 1) {
            impl_->rebuild_index();
        } else {
            impl_->index(bucket.back());
        }
        s = &bucket.back();
    } else {
        // Re-appending the identical sample is a no-op (a retried scrape); anything else at or
        // before the last timestamp would rewrite history that rules may already have seen.
        if (t == s->head.last_time() && same_bits(v, s->head.last_value())) return AppendResult::ok;
        if (t <= s->head.last_time()) return AppendResult::out_of_order;
        if (s->head.full()) s->chunks.push_back(s->head.cut());
    }
    s->head.append(t, v);
    ++impl_->sample_count;
    return AppendResult::ok;
}

void MemoryStore::truncate_before(Timestamp t) {
    std::unique_lock lock(impl_->mutex);
    impl_->truncated_before = std::max(impl_->truncated_before, t);
    bool removed_series = false;
    for (auto it = impl_->series.begin(); it != impl_->series.end();) {
        auto& bucket = it->second;
        for (auto& s : bucket) {
            auto kept = std::find_if(s.chunks.begin(), s.chunks.end(),
                                     [&](const XorChunk& c) { return c.max_time() >= t; });
            for (auto c = s.chunks.begin(); c != kept; ++c) impl_->sample_count -= c->samples();
            s.chunks.erase(s.chunks.begin(), kept);
        }
        // A series whose newest sample is older has no chunk left but its head.
        auto gone = std::remove_if(bucket.begin(), bucket.end(),
                                   [&](const StoredSeries& s) { return s.head.last_time() < t; });
        for (auto g = gone; g != bucket.end(); ++g) {
            impl_->label_bytes -= label_bytes(g->labels);
            impl_->sample_count -= g->head.samples();
        }
        impl_->series_count -= static_cast<std::size_t>(bucket.end() - gone);
        removed_series |= gone != bucket.end();
        bucket.erase(gone, bucket.end());
        it = bucket.empty() ? impl_->series.erase(it) : std::next(it);
    }
    if (removed_series) impl_->rebuild_index();
}

void MemoryStore::clear() {
    std::unique_lock lock(impl_->mutex);
    impl_->series.clear();
    impl_->postings.clear();
    impl_->series_count = 0;
    impl_->sample_count = 0;
    impl_->label_bytes = 0;
    impl_->truncated_before = std::numeric_limits<Timestamp>::min();
}

std::vector<Series> MemoryStore::select(const std::vector<Matcher>& matchers, Timestamp mint,
                                        Timestamp maxt) const {
    std::shared_lock lock(impl_->mutex);
    mint = std::max(mint, impl_->truncated_before);
    std::vector<Series> out;
    auto consider = [&](const StoredSeries& s) {
        for (const auto& m : matchers)
            if (!m.matches(s.labels.get(m.name()))) return;
        auto samples = s.read(mint, maxt);
        if (samples.empty()) return;
        out.push_back(Series{s.labels, std::move(samples)});
    };
    // The shortest postings list of the equality matchers (an empty value also matches series
    // without the label, which have no posting, so it does not count).
    const std::vector<const StoredSeries*>* shortest = nullptr;
    bool indexed = false;
    for (const auto& m : matchers) {
        if (m.type() != MatchType::equal || m.value().empty()) continue;
        indexed = true;
        auto it = impl_->postings.find(posting_key(m.name(), m.value()));
        if (it == impl_->postings.end()) return out;  // no series has this pair
        if (!shortest || it->second.size() < shortest->size()) shortest = &it->second;
    }
    if (indexed) {
        for (const auto* s : *shortest) consider(*s);
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
    return impl_->series_count * (sizeof(StoredSeries) + kIndexOverhead) + impl_->label_bytes +
           impl_->chunk_bytes();
}

std::size_t MemoryStore::chunk_bytes() const {
    std::shared_lock lock(impl_->mutex);
    return impl_->chunk_bytes();
}

}  // namespace stackwatch::storage
