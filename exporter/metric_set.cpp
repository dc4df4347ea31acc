#include "exporter/metric_set.hpp"

#include <limits>
#include <memory>
#include <stdexcept>

#include "exporter/text_format.hpp"

namespace stackwatch::exporter {

prometheus::ClientMetric& MetricSet::add(std::string_view name, std::string_view help,
                                         prometheus::MetricType type, Labels&& labels) {
    auto it = index_.find(name);
    if (it == index_.end()) {
        it = index_.emplace(std::string(name), families_.size()).first;
        families_.push_back({std::string(name), std::string(help), type, {}});
    }
    auto& family = families_[it->second];
    if (family.type != type)
        throw std::logic_error("metric " + family.name + " added with two different types");
    auto& metric = family.metric.emplace_back();
    metric.label.reserve(labels.size());
    for (auto& [label_name, label_value] : labels)
        metric.label.push_back({std::move(label_name), std::move(label_value)});
    return metric;
}

const prometheus::MetricFamily* MetricSet::find(std::string_view name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &families_[it->second];
}

void MetricSet::gauge(std::string_view name, std::string_view help, double value, Labels labels) {
    add(name, help, prometheus::MetricType::Gauge, std::move(labels)).gauge.value = value;
}

void MetricSet::counter(std::string_view name, std::string_view help, double value, Labels labels) {
    add(name, help, prometheus::MetricType::Counter, std::move(labels)).counter.value = value;
}

void MetricSet::untyped(std::string_view name, std::string_view help, double value, Labels labels) {
    add(name, help, prometheus::MetricType::Untyped, std::move(labels)).untyped.value = value;
}

void MetricSet::histogram(std::string_view name, std::string_view help,
                          const std::vector<Bucket>& buckets, double sum, std::uint64_t count,
                          Labels labels) {
    auto& metric = add(name, help, prometheus::MetricType::Histogram, std::move(labels));
    metric.histogram.sample_sum = sum;
    metric.histogram.sample_count = count;
    metric.histogram.bucket.reserve(buckets.size() + 1);
    for (const auto& bucket : buckets)
        metric.histogram.bucket.push_back({bucket.cumulative_count, bucket.upper_bound});
    metric.histogram.bucket.push_back({count, std::numeric_limits<double>::infinity()});
}

void MetricSet::summary(std::string_view name, std::string_view help,
                        const std::vector<std::pair<double, double>>& quantiles, double sum,
                        std::uint64_t count, Labels labels) {
    auto& metric = add(name, help, prometheus::MetricType::Summary, std::move(labels));
    metric.summary.sample_sum = sum;
    metric.summary.sample_count = count;
    for (const auto& [q, v] : quantiles) metric.summary.quantile.push_back({q, v});
}

void MetricSet::merge(std::vector<prometheus::MetricFamily>&& families) {
    for (auto& family : families) {
        auto it = index_.find(family.name);
        if (it == index_.end()) {
            index_.emplace(family.name, families_.size());
            families_.push_back(std::move(family));
            continue;
        }
        auto& mine = families_[it->second];
        if (mine.type != family.type)
            throw std::logic_error("metric " + family.name + " merged with two different types");
        for (auto& metric : family.metric) mine.metric.push_back(std::move(metric));
    }
}

void MetricSet::merge(MetricSet&& other) {
    if (families_.empty()) {
        families_ = std::move(other.families_);
        index_ = std::move(other.index_);
    } else {
        merge(std::move(other.families_));
    }
    other.families_.clear();
    other.index_.clear();
}

std::string MetricSet::serialize() const {
    Exposition exposition;
    // Not owned: the exposition lives only for this call.
    exposition.add(std::shared_ptr<const MetricSet>(std::shared_ptr<const MetricSet>(), this));
    return exposition.serialize();
}

}  // namespace stackwatch::exporter
