#pragma once
// Looking metrics up in a MetricSet, for the collector tests (the process tests include it too).

#include <optional>
#include <string>
#include <string_view>

#include "exporter/metric_set.hpp"

namespace stackwatch::test {

inline const prometheus::MetricFamily* find_family(const exporter::MetricSet& set,
                                                   std::string_view name) {
    for (const auto& family : set.families())
        if (family.name == name) return &family;
    return nullptr;
}

inline bool has_labels(const prometheus::ClientMetric& metric, const exporter::Labels& wanted) {
    for (const auto& [name, value] : wanted) {
        bool found = false;
        for (const auto& label : metric.label)
            found = found || (label.name == name && label.value == value);
        if (!found) return false;
    }
    return true;
}

// The first series of `name` carrying every label in `labels`.
inline const prometheus::ClientMetric* find_series(const exporter::MetricSet& set,
                                                   std::string_view name,
                                                   const exporter::Labels& labels = {}) {
    const auto* family = find_family(set, name);
    if (family == nullptr) return nullptr;
    for (const auto& metric : family->metric)
        if (has_labels(metric, labels)) return &metric;
    return nullptr;
}

// Gauge, counter or untyped value; nullopt when the series is missing.
inline std::optional<double> sample_value(const exporter::MetricSet& set, std::string_view name,
                                          const exporter::Labels& labels = {}) {
    const auto* family = find_family(set, name);
    const auto* metric = find_series(set, name, labels);
    if (metric == nullptr) return std::nullopt;
    switch (family->type) {
        case prometheus::MetricType::Counter:
            return metric->counter.value;
        case prometheus::MetricType::Gauge:
            return metric->gauge.value;
        case prometheus::MetricType::Untyped:
            return metric->untyped.value;
        default:
            return std::nullopt;
    }
}

inline std::string label_value(const prometheus::ClientMetric& metric, std::string_view name) {
    for (const auto& label : metric.label)
        if (label.name == name) return label.value;
    return "";
}

inline const char* type_name(prometheus::MetricType type) {
    switch (type) {
        case prometheus::MetricType::Counter:
            return "counter";
        case prometheus::MetricType::Gauge:
            return "gauge";
        case prometheus::MetricType::Summary:
            return "summary";
        case prometheus::MetricType::Histogram:
            return "histogram";
        default:
            return "untyped";
    }
}

}  // namespace stackwatch::test
