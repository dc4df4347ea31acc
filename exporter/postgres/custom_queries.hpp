#pragma once
// User-defined queries in postgres_exporter's queries.yaml format:
//
//   pg_replication:                  # metric prefix
//     query: "SELECT ..."
//     master: true                   # accepted; one DSN is always its own "master" database
//     cache_seconds: 30              # reuse the result this long
//     runonserver: ">=10.0.0 <17.0.0"  # semver ranges, || between alternatives
//     timeout: 2s                    # ours: cancel the query after this long
//     metrics:
//       - lag: {usage: GAUGE, description: "..."}
//
// Usages: DISCARD, LABEL, COUNTER, GAUGE, MAPPEDMETRIC (with metric_mapping), DURATION (a Go
// duration string reported as <prefix>_<column>_milliseconds) and HISTOGRAM (an array of bucket
// bounds with <column>_bucket, _sum and _count columns). Columns not listed are reported as
// untyped, as postgres_exporter does.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stackwatch::exporter::postgres {

enum class ColumnUsage { discard, label, counter, gauge, mapped_metric, duration, histogram };

struct ColumnSpec {
    ColumnUsage usage = ColumnUsage::discard;
    std::string description;
    std::map<std::string, double> mapping;  // MAPPEDMETRIC: text value -> number
};

// A PostgreSQL version range in the semver syntax postgres_exporter's runonserver takes.
class VersionRange {
  public:
    // Throws std::invalid_argument on a malformed range.
    static VersionRange parse(std::string_view text);
    bool contains(int version_num) const;  // server_version_num

  private:
    struct Comparator {
        std::string op;
        std::vector<int> version;  // major, minor, patch
    };
    std::vector<std::vector<Comparator>> alternatives_;  // OR of ANDs; empty: every version
};

struct CustomQuery {
    std::string name;  // the metric prefix, e.g. pg_replication
    std::string sql;
    std::vector<std::pair<std::string, ColumnSpec>> columns;  // as listed under metrics
    bool master = false;
    std::chrono::milliseconds cache{0};
    std::optional<std::chrono::milliseconds> timeout;
    VersionRange run_on_server;
};

// Throw ConfigError naming file:line:column and the key for anything malformed or unknown.
std::vector<CustomQuery> load_custom_queries(const std::string& path);
std::vector<CustomQuery> parse_custom_queries(const std::string& yaml, const std::string& name);

// A date or timestamp as PostgreSQL prints it in ISO DateStyle ("2024-01-02 03:04:05.5+01"),
// in Unix seconds; a timestamp without zone counts as UTC, as postgres_exporter takes it.
std::optional<double> parse_timestamp_seconds(std::string_view text);

// A Go duration string ("1h2m3.5s", "300ms") in milliseconds; nullopt when it is not one.
std::optional<double> parse_go_duration_ms(std::string_view text);

}  // namespace stackwatch::exporter::postgres
