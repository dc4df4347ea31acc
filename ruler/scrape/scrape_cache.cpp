#include "ruler/scrape/scrape_cache.hpp"

#include <algorithm>
#include <stdexcept>

namespace stackwatch::scrape {

ScrapeCache::ScrapeCache(AppendOptions options) : options_(std::move(options)) {}

AppendResult ScrapeCache::append(std::string_view body, ExpositionFormat format,
                                 promql::Timestamp t, storage::MemoryStore& store) {
    AppendResult result;
    pending_.clear();
    result.error = parse(body, format, t, result);
    const bool succeeded = result.error.empty() && !body.empty();
    if (!result.error.empty()) pending_.clear();
    commit(t, succeeded, store, result);
    return result;
}

void ScrapeCache::mark_stale(promql::Timestamp t, storage::MemoryStore& store) {
    pending_.clear();
    AppendResult ignored;
    commit(t, false, store, ignored);
}

std::string ScrapeCache::parse(std::string_view body, ExpositionFormat format, promql::Timestamp t,
                               AppendResult& result) {
    std::string error;
    try {
        TextParser parser(body, format);
        while (parser.next()) {
            const SampleView& sample = parser.sample();
            // Past the limit the body is only counted, so scrape_samples_scraped stays true.
            if (++result.scraped > options_.sample_limit && options_.sample_limit > 0)
                error = "sample limit exceeded";
            if (!error.empty()) continue;
            Entry& entry = entry_for(sample, result);
            entry.own_timestamps = options_.honor_timestamps && sample.timestamp_ms.has_value();
            pending_.push_back(
                Pending{&entry, entry.own_timestamps ? *sample.timestamp_ms : t, sample.value});
        }
    } catch (const TextParseError& e) {
        return e.what();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return error;
}

ScrapeCache::Entry& ScrapeCache::entry_for(const SampleView& sample, AppendResult& result) {
    if (auto found = entries_.find(sample.series); found != entries_.end()) return found->second;
    ++result.series_added;
    return entries_.emplace(std::string(sample.series), Entry{series_labels(sample)}).first->second;
}

promql::Labels ScrapeCache::series_labels(const SampleView& sample) const {
    std::vector<promql::Label> scraped;
    scraped.reserve(sample.labels.size() + 1);
    scraped.push_back(promql::Label{std::string(promql::kMetricName), std::string(sample.name)});
    for (const auto& label : sample.labels)
        scraped.push_back(promql::Label{std::string(label.name), std::string(label.value)});
    std::sort(scraped.begin(), scraped.end());
    auto same_name = [](const promql::Label& a, const promql::Label& b) {
        return a.name == b.name;
    };
    if (auto dup = std::adjacent_find(scraped.begin(), scraped.end(), same_name);
        dup != scraped.end())
        throw std::invalid_argument("label name \"" + dup->name + "\" is not unique in " +
                                    std::string(sample.series));
    const promql::Labels exposed(std::move(scraped));
    const promql::Labels& target = options_.target_labels;
    promql::Labels merged = exposed;
    if (options_.honor_labels) {
        for (const auto& label : target)
            if (!merged.has(label.name)) merged.set(label.name, label.value);
        return merged;
    }
    // The target's labels win; a scraped value they displace survives as exported_<name>
    // (resolveConflictingExposedLabels in scrape.go), shortest names renamed first.
    std::vector<promql::Label> displaced;
    for (const auto& label : target) {
        if (exposed.has(label.name)) displaced.push_back({label.name, exposed.get(label.name)});
        merged.set(label.name, label.value);
    }
    std::stable_sort(displaced.begin(), displaced.end(),
                     [](const auto& a, const auto& b) { return a.name.size() < b.name.size(); });
    std::vector<std::string> taken;
    for (const auto& label : displaced) {
        std::string name = label.name;
        do {
            name = "exported_" + name;
        } while (exposed.has(name) || target.has(name) ||
                 std::find(taken.begin(), taken.end(), name) != taken.end());
        taken.push_back(name);
        merged.set(name, label.value);
    }
    return merged;
}

void ScrapeCache::commit(promql::Timestamp t, bool forget_missing, storage::MemoryStore& store,
                         AppendResult& result) {
    ++scrape_number_;
    for (const auto& p : pending_) {
        if (store.append(p.entry->labels, p.t, p.v) != storage::AppendResult::ok) ++result.rejected;
        p.entry->last_seen = scrape_number_;
    }
    const double stale = promql::stale_marker();
    for (auto it = entries_.begin(); it != entries_.end();) {
        const Entry& entry = it->second;
        if (entry.last_seen == scrape_number_) {
            ++it;
            continue;
        }
        // Stored by the previous scrape and missing from this one: the series ended now.
        if (entry.last_seen != 0 && entry.last_seen + 1 == scrape_number_ && !entry.own_timestamps)
            store.append(entry.labels, t, stale);
        // Entries of a failed parse were never stored; keeping them would let a target that
        // keeps failing with changing series grow the cache without bound.
        if (forget_missing || entry.last_seen == 0) {
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace stackwatch::scrape
