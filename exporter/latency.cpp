#include "exporter/latency.hpp"

namespace stackwatch::exporter {

const prometheus::Histogram::BucketBoundaries& LatencyHistograms::buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets = {
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
        0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
    return kBuckets;
}

LatencyHistograms::LatencyHistograms()
    : registry_(std::make_shared<prometheus::Registry>()),
      probe_seconds_(prometheus::BuildHistogram()
                         .Name("stackwatch_probe_duration_seconds")
                         .Help("Round-trip time of a liveness probe (SELECT 1, PING) to a target.")
                         .Register(*registry_)),
      probe_window_(prometheus::BuildSummary()
                        .Name("stackwatch_probe_latency_seconds")
                        .Help("Probe round-trip quantiles over the last 10 minutes.")
                        .Register(*registry_)),
      collector_seconds_(prometheus::BuildHistogram()
                             .Name("stackwatch_collector_duration_seconds")
                             .Help("Time one collector took to gather its metrics from a target.")
                             .Register(*registry_)),
      scrape_seconds_(prometheus::BuildHistogram()
                          .Name("stackwatch_scrape_duration_seconds")
                          .Help("Time the exporter took to answer one scrape, per endpoint.")
                          .Register(*registry_)) {}

template <typename Metric, typename... AddArgs>
Metric& LatencyHistograms::series(prometheus::Family<Metric>& family, SeriesCache<Metric>& cache,
                                  const SeriesKey& key, const AddArgs&... add_args) {
    auto it = cache.find(std::pair<std::string_view, std::string_view>(key.first, key.second));
    if (it == cache.end()) {
        prometheus::Labels labels = {{key.first_label, key.first}};
        if (key.second_label) labels.emplace(key.second_label, key.second);
        it =
            cache.emplace(std::pair(key.first, key.second), &family.Add(labels, add_args...)).first;
    }
    return *it->second;
}

void LatencyHistograms::probe(const std::string& target, const std::string& kind, double seconds) {
    static const prometheus::Summary::Quantiles kQuantiles = {
        {0.5, 0.01}, {0.9, 0.01}, {0.99, 0.001}};
    SeriesKey key{"target", target, "kind", kind};
    std::lock_guard lock(cache_mutex_);
    series(probe_seconds_, probe_series_, key, buckets()).Observe(seconds);
    series(probe_window_, window_series_, key, kQuantiles, std::chrono::minutes(10), 5)
        .Observe(seconds);
}

void LatencyHistograms::collector(const std::string& target, const std::string& collector,
                                  double seconds) {
    std::lock_guard lock(cache_mutex_);
    series(collector_seconds_, collector_series_, {"target", target, "collector", collector},
           buckets())
        .Observe(seconds);
}

void LatencyHistograms::scrape(const std::string& endpoint, double seconds) {
    static const std::string kNone;
    std::lock_guard lock(cache_mutex_);
    series(scrape_seconds_, scrape_series_, {"endpoint", endpoint, nullptr, kNone}, buckets())
        .Observe(seconds);
}

void LatencyHistograms::collect_into(MetricSet& out) const {
    out.merge(registry_->Collect());
}

}  // namespace stackwatch::exporter
