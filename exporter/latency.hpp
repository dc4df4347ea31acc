#pragma once
// The stackwatch_* latency families the dashboards draw P50/P95/P99 from: histograms of every
// probe round-trip and of every collector run, plus a sliding-window summary of probes. They
// live in a prometheus-cpp registry so they accumulate across scrapes.

#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "exporter/metric_set.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter {

class LatencyHistograms : public LatencyObserver {
  public:
    LatencyHistograms();
    void probe(const std::string& target, const std::string& kind, double seconds) override;
    void collector(const std::string& target, const std::string& collector,
                   double seconds) override;
    // Observations of one scrape as a whole, per endpoint.
    void scrape(const std::string& endpoint, double seconds);
    void collect_into(MetricSet& out) const;

    // 100 µs to 10 s, roughly three buckets a decade.
    static const prometheus::Histogram::BucketBoundaries& buckets();

  private:
    // prometheus-cpp's Family::Add builds a metric (for a summary, its whole time window) and a
    // label map before it finds the one it already has, so each series is looked up here once.
    struct PairLess {
        using is_transparent = void;
        template <typename A, typename B>
        bool operator()(const A& a, const B& b) const {
            // Compared as views: tuples of strings and of string_views do not compare with
            // each other in clang's C++20 (libstdc++'s tuple <=> wants the same types).
            using View = std::pair<std::string_view, std::string_view>;
            return View(a.first, a.second) < View(b.first, b.second);
        }
    };
    template <typename Metric>
    using SeriesCache = std::map<std::pair<std::string, std::string>, Metric*, PairLess>;
    // A series' one or two labels (second_label null for one).
    struct SeriesKey {
        const char* first_label;
        const std::string& first;
        const char* second_label;
        const std::string& second;
    };
    template <typename Metric, typename... AddArgs>
    Metric& series(prometheus::Family<Metric>& family, SeriesCache<Metric>& cache,
                   const SeriesKey& key, const AddArgs&... add_args);

    std::mutex cache_mutex_;
    SeriesCache<prometheus::Histogram> probe_series_;
    SeriesCache<prometheus::Summary> window_series_;
    SeriesCache<prometheus::Histogram> collector_series_;
    SeriesCache<prometheus::Histogram> scrape_series_;
    std::shared_ptr<prometheus::Registry> registry_;
    prometheus::Family<prometheus::Histogram>& probe_seconds_;
    prometheus::Family<prometheus::Summary>& probe_window_;
    prometheus::Family<prometheus::Histogram>& collector_seconds_;
    prometheus::Family<prometheus::Histogram>& scrape_seconds_;
};

}  // namespace stackwatch::exporter
