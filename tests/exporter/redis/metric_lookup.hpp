#pragma once
// Looking metrics up in a MetricSet, and linting its text with promtool, for the collector tests
// (the process tests include it too).

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

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

constexpr const char* kPromtool = "/usr/bin/promtool";

// Output of `promtool check metrics` on the text (promtool reads stdin): one "name: problem" line
// per lint finding, or parse errors. Empty when clean.
inline std::string promtool_check(const std::string& text) {
    auto file = std::filesystem::temp_directory_path() /
                ("stackwatch-metrics-" + std::to_string(::getpid()) + ".txt");
    std::ofstream(file) << text;
    std::string command = std::string(kPromtool) + " check metrics < " + file.string() + " 2>&1";
    std::string output;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
        ::pclose(pipe);
    }
    std::filesystem::remove(file);
    return output;
}

// promtool's findings, less those on names kept for compatibility with a peer exporter.
inline std::vector<std::string> promtool_findings_except(const std::string& text,
                                                         const std::set<std::string>& allowed) {
    std::vector<std::string> findings;
    std::istringstream lines(promtool_check(text));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && !allowed.count(line.substr(0, line.find(' '))))
            findings.push_back(line);
    return findings;
}

}  // namespace stackwatch::test
