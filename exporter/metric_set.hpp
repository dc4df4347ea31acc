#pragma once
// What one scrape produces: metric families in prometheus-cpp's model, built by collectors and
// written by exporter/text_format. A name is one family with one HELP and TYPE; adding the same
// name with another type is a programming error and throws.

#include <prometheus/metric_family.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stackwatch::exporter {

using Labels = std::vector<std::pair<std::string, std::string>>;

class MetricSet {
  public:
    struct Bucket {
        double upper_bound;
        std::uint64_t cumulative_count;
    };

    void gauge(std::string_view name, std::string_view help, double value, Labels labels = {});
    void counter(std::string_view name, std::string_view help, double value, Labels labels = {});
    void untyped(std::string_view name, std::string_view help, double value, Labels labels = {});
    // Buckets in ascending order without +Inf; the +Inf bucket is added from count.
    void histogram(std::string_view name, std::string_view help, const std::vector<Bucket>& buckets,
                   double sum, std::uint64_t count, Labels labels = {});
    void summary(std::string_view name, std::string_view help,
                 const std::vector<std::pair<double, double>>& quantiles, double sum,
                 std::uint64_t count, Labels labels = {});

    // Moves every family of `other` in, merging families that share a name.
    void merge(MetricSet&& other);
    void merge(std::vector<prometheus::MetricFamily>&& families);

    const std::vector<prometheus::MetricFamily>& families() const { return families_; }
    const prometheus::MetricFamily* find(std::string_view name) const;
    bool contains(std::string_view name) const { return find(name) != nullptr; }
    std::string serialize() const;  // Prometheus text format 0.0.4

  private:
    prometheus::ClientMetric& add(std::string_view name, std::string_view help,
                                  prometheus::MetricType type, Labels&& labels);
    // Looked up by string_view, so adding a sample to a known family allocates no key.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view name) const {
            return std::hash<std::string_view>{}(name);
        }
    };
    std::vector<prometheus::MetricFamily> families_;
    std::unordered_map<std::string, std::size_t, NameHash, std::equal_to<>> index_;
};

}  // namespace stackwatch::exporter
