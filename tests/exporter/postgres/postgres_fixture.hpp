#pragma once
// Shared helpers for the PostgreSQL target tests: options pointing at the test server, one
// collect with a deadline, lookups into the result, and running promtool / other programs.

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "exporter/metric_set.hpp"
#include "exporter/postgres/postgres_target.hpp"

namespace stackwatch::test {

struct RecordingLatency : exporter::LatencyObserver {
    std::vector<std::string> probes;
    std::vector<std::string> collectors;
    void probe(const std::string& target, const std::string& kind, double) override {
        probes.push_back(target + "/" + kind);
    }
    void collector(const std::string&, const std::string& name, double) override {
        collectors.push_back(name);
    }
};

// Options for the shared test server with the password given by an auth module, not the DSN.
exporter::postgres::PostgresOptions test_options();

exporter::MetricSet collect(exporter::postgres::PostgresTarget& target,
                            std::chrono::milliseconds budget = std::chrono::seconds(10));

const prometheus::MetricFamily* family(const exporter::MetricSet& set, const std::string& name);
// The value of the sample of `name` whose labels include `labels`; NaN when there is none.
double value(const exporter::MetricSet& set, const std::string& name,
             const std::map<std::string, std::string>& labels = {});
double collector_success(const exporter::MetricSet& set, const std::string& collector);

// Writes `text` to a fresh file under the temp dir and returns its path.
std::string write_temp_file(const std::string& name, const std::string& text);

}  // namespace stackwatch::test
