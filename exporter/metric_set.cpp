#include "exporter/metric_set.hpp"

#include <prometheus/text_serializer.h>

#include <limits>
#include <sstream>
#include <stdexcept>

namespace stackwatch::exporter {

prometheus::ClientMetric& MetricSet::add(std::string_view name, std::string_view help,
                                         prometheus::MetricType type, const Labels& labels) {
    std::string key(name);
    auto it = index_.find(key);
    if (it == index_.end()) {
        it = index_.emplace(key, families_.size()).first;
        families_.push_back({key, std::string(help), type, {}});
    }
    auto& family = families_[it->second];
    if (family.type != type)
        throw std::logic_error("metric " + key + " added with two different types");
    auto& metric = family.metric.emplace_back();
    metric.label.reserve(labels.size());
    for (const auto& [label_name, label_value] : labels) metric.label.push_back({label_name, label_value});
    return metric;
}

void MetricSet::gauge(std::string_view name, std::string_view help, double value, const Labels& labels) {
    add(name, help, prometheus::MetricType::Gauge, labels).gauge.value = value;
}

void MetricSet::counter(std::string_view name, std::string_view help, double value, const Labels& labels) {
    add(name, help, prometheus::MetricType::Counter, labels).counter.value = value;
}

void MetricSet::untyped(std::string_view name, std::string_view help, double value, const Labels& labels) {
    add(name, help, prometheus::MetricType::Untyped, labels).untyped.value = value;
}

void MetricSet::histogram(std::string_view name, std::string_view help,
                          const std::vector<Bucket>& buckets, double sum, std::uint64_t count,
                          const Labels& labels) {
    auto& metric = add(name, help, prometheus::MetricType::Histogram, labels);
    metric.histogram.sample_sum = sum;
    metric.histogram.sample_count = count;
    for (const auto& bucket : buckets)
        metric.histogram.bucket.push_back({bucket.cumulative_count, bucket.upper_bound});
    metric.histogram.bucket.push_back({count, std::numeric_limits<double>::infinity()});
}

void MetricSet::summary(std::string_view name, std::string_view help,
                        const std::vector<std::pair<double, double>>& quantiles, double sum,
                        std::uint64_t count, const Labels& labels) {
    auto& metric = add(name, help, prometheus::MetricType::Summary, labels);
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
    merge(std::move(other.families_));
    other.families_.clear();
    other.index_.clear();
}

void MetricSet::add_label_to_all(const std::string& name, const std::string& value) {
    for (auto& family : families_)
        for (auto& metric : family.metric) metric.label.push_back({name, value});
}

std::string MetricSet::serialize() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, families_);
    return out.str();
}

}  // namespace stackwatch::exporter
