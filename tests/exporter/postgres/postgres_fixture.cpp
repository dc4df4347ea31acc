#include "tests/exporter/postgres/postgres_fixture.hpp"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "tests/support/postgres_server.hpp"

namespace stackwatch::test {

exporter::postgres::PostgresOptions test_options() {
    auto& server = shared_postgres();
    exporter::postgres::PostgresOptions options;
    options.name = "pg-test";
    options.dsn = "postgresql://postgres@127.0.0.1:" + std::to_string(server.port()) +
                  "/postgres?sslmode=disable";
    options.password = server.password();
    return options;
}

exporter::MetricSet collect(exporter::postgres::PostgresTarget& target,
                            std::chrono::milliseconds budget) {
    exporter::MetricSet set;
    RecordingLatency latency;
    target.collect(set, exporter::Deadline::in(budget), latency);
    return set;
}

const prometheus::MetricFamily* family(const exporter::MetricSet& set, const std::string& name) {
    for (const auto& f : set.families())
        if (f.name == name) return &f;
    return nullptr;
}

double value(const exporter::MetricSet& set, const std::string& name,
             const std::map<std::string, std::string>& labels) {
    const auto* f = family(set, name);
    if (!f) return std::numeric_limits<double>::quiet_NaN();
    for (const auto& metric : f->metric) {
        std::size_t matched = 0;
        for (const auto& pair : metric.label)
            if (auto it = labels.find(pair.name); it != labels.end() && it->second == pair.value)
                ++matched;
        if (matched != labels.size()) continue;
        switch (f->type) {
            case prometheus::MetricType::Counter:
                return metric.counter.value;
            case prometheus::MetricType::Gauge:
                return metric.gauge.value;
            case prometheus::MetricType::Untyped:
                return metric.untyped.value;
            default:
                return std::numeric_limits<double>::quiet_NaN();
        }
    }
    return std::numeric_limits<double>::quiet_NaN();
}

double collector_success(const exporter::MetricSet& set, const std::string& collector) {
    return value(set, "pg_scrape_collector_success", {{"collector", collector}});
}

namespace {
// Files written by the tests, removed when the test binary exits.
struct TempFiles {
    std::vector<std::filesystem::path> paths;
    ~TempFiles() {
        std::error_code ignored;
        for (const auto& path : paths) std::filesystem::remove(path, ignored);
    }
};
}  // namespace

std::string write_temp_file(const std::string& name, const std::string& text) {
    static TempFiles files;
    auto path = std::filesystem::temp_directory_path() /
                ("stackwatch-pg-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(files.paths.size() + 1) + "-" + name);
    std::ofstream(path) << text;
    files.paths.push_back(path);
    return path.string();
}

}  // namespace stackwatch::test
