#include "exporter/postgres/postgres_target.hpp"

#include <algorithm>

#include "common/failure_report.hpp"
#include "common/logging.hpp"
#include "common/redact.hpp"
#include "exporter/postgres/custom_query_collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Health reports "degraded" past these: nearly out of connections, or a replica far behind.
constexpr double kConnectionsDegradedRatio = 0.9;
constexpr double kReplicationLagDegradedSeconds = 60;

}  // namespace

PostgresTarget::PostgresTarget(PostgresOptions options)
    : options_(std::move(options)),
      server_(server_address(options_)),
      session_(options_),
      collectors_(make_collectors(options_)) {
    if (options_.name.empty()) options_.name = server_;
    if (!options_.custom_queries_file.empty()) {
        for (auto& query : load_custom_queries(options_.custom_queries_file)) {
            std::string name = "custom:" + query.name;
            collectors_.push_back({name, make_custom_query_collector(std::move(query))});
        }
    }
}

PostgresTarget::~PostgresTarget() = default;

std::string PostgresTarget::probe(Deadline deadline, LatencyObserver& latency) {
    // A connection that broke since the last scrape is only noticed when used; one retry on a
    // fresh connection tells a restarted server from a down one. SELECT 1 leads the pipeline
    // that carries every collector's statement, so the probe costs no round trip of its own.
    for (int attempt = 0; attempt < 2; ++attempt) {
        bool reused = session_.connected();
        try {
            session_.ensure_connected(deadline);
            std::vector<Statement> statements = {{"stackwatch_ping", "SELECT 1", std::nullopt}};
            for (auto& collector : collectors_)
                if (auto statement = collector.collector->statement(session_))
                    statements.push_back(std::move(*statement));
            auto start = Clock::now();
            session_.prefetch(statements, deadline);
            session_.run("stackwatch_ping", "SELECT 1", deadline);
            latency.probe(options_.name, "postgres", seconds_since(start));
            return "";
        } catch (const std::exception& e) {
            session_.disconnect();
            if (!reused || deadline.expired()) return redact(e.what());
        }
    }
    return "unreachable";
}

bool PostgresTarget::run_collector(NamedCollector& collector, Deadline deadline,
                                   LatencyObserver& latency, MetricSet& out) {
    auto start = Clock::now();
    bool ok = true;
    try {
        auto part = out.sibling();
        collector.collector->collect(session_, deadline, part);
        merge_new_families(collector.name, std::move(part), out);
    } catch (const std::exception& e) {
        ok = false;
        log::warn("PostgreSQL collector failed", {{"target", options_.name},
                                                  {"collector", collector.name},
                                                  {"error", redact(e.what())}});
        report_failure({.fingerprint = database_failure_fingerprint(e.what()),
                        .type = "PostgreSQLQueryError",
                        .message = redact(e.what()),
                        .context = {{"target", options_.name}, {"collector", collector.name}}});
    }
    // Includes waiting for its statement's answer from the pipeline.
    double seconds = seconds_since(start);
    latency.collector(options_.name, collector.name, seconds);
    Labels labels{{"collector", collector.name}};
    out.gauge("pg_scrape_collector_duration_seconds",
              "postgres_exporter: Duration of a collector scrape.", seconds, labels);
    out.gauge("pg_scrape_collector_success", "postgres_exporter: Whether a collector succeeded.",
              ok ? 1 : 0, labels);
    return ok;
}

void PostgresTarget::merge_new_families(const std::string& collector, MetricSet&& part,
                                        MetricSet& out) {
    for (const auto& name : out.merge_new(std::move(part))) {
        if (reported_duplicates_.insert(name).second) {
            log::warn("metric family already reported by another collector; keeping the first",
                      {{"target", options_.name}, {"collector", collector}, {"family", name}});
        }
    }
}

void PostgresTarget::collect(MetricSet& result, Deadline deadline, LatencyObserver& latency) {
    std::lock_guard lock(mutex_);
    // Built apart from `result` so clashes are judged within this target alone.
    MetricSet out;
    auto start = Clock::now();
    scrapes_ += 1;
    std::string error = probe(deadline, latency);
    bool up = error.empty();
    bool failed = !up;
    if (up) {
        for (auto& collector : collectors_)
            failed = !run_collector(collector, deadline, latency, out) || failed;
        session_.finish();
        out.untyped("pg_static", "Version string as reported by postgres", 1,
                    {{"version", session_.facts().version},
                     {"short_version", session_.facts().short_version}});
    } else {
        log::warn("PostgreSQL is unreachable",
                  {{"target", options_.name}, {"server", server_}, {"error", error}});
        report_failure({.fingerprint = database_failure_fingerprint(error),
                        .type = "PostgreSQLConnectionError",
                        .message = error,
                        .context = {{"target", options_.name}, {"server", server_}}});
    }
    out.gauge("pg_up",
              "Whether the last scrape of metrics from PostgreSQL was able to connect to the "
              "server (1 for yes, 0 for no).",
              up ? 1 : 0);
    out.counter("pg_exporter_scrapes_total",
                "Total number of times PostgreSQL was scraped for metrics.", scrapes_);
    out.gauge("pg_exporter_last_scrape_error",
              "Whether the last scrape of metrics from PostgreSQL resulted in an error (1 for "
              "error, 0 for success).",
              failed ? 1 : 0);
    out.gauge("pg_exporter_last_scrape_duration_seconds",
              "Duration of the last scrape of metrics from PostgreSQL.", seconds_since(start));
    result.merge(std::move(out));
}

nlohmann::json PostgresTarget::health(Deadline deadline, LatencyObserver& latency) {
    nlohmann::json down = {{"status", "down"},       {"latency_ms", nullptr},
                           {"connections", nullptr}, {"version", nullptr},
                           {"is_replica", nullptr},  {"replication_lag_seconds", nullptr},
                           {"error", nullptr}};
    std::unique_lock lock(mutex_, std::defer_lock);
    if (!lock.try_lock_until(deadline.at)) {
        down["status"] = "degraded";
        down["error"] = "a scrape held the connection past the health check's deadline";
        return down;
    }
    try {
        session_.ensure_connected(deadline);
        auto start = Clock::now();
        auto result =
            session_.run("stackwatch_health",
                         "SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = "
                         "'client backend') AS in_use, "
                         "current_setting('max_connections')::int AS max, pg_is_in_recovery()::int "
                         "AS is_replica, "
                         "CASE WHEN pg_is_in_recovery() THEN COALESCE(extract(epoch FROM now() - "
                         "pg_last_xact_replay_timestamp()), 0) END AS lag",
                         deadline);
        double seconds = seconds_since(start);
        latency.probe(options_.name, "postgres", seconds);
        auto row = result.at(0);
        double in_use = as_double(row["in_use"]);
        double max = as_double(row["max"]);
        bool replica = as_double(row["is_replica"]) == 1;
        nlohmann::json lag =
            row["lag"].is_null() ? nlohmann::json(nullptr) : nlohmann::json(as_double(row["lag"]));
        bool degraded = in_use >= kConnectionsDegradedRatio * max ||
                        (replica && lag.get<double>() > kReplicationLagDegradedSeconds);
        return {{"status", degraded ? "degraded" : "ok"},
                {"latency_ms", seconds * 1000},
                {"connections", {{"in_use", in_use}, {"max", max}}},
                {"version", session_.facts().short_version},
                {"is_replica", replica},
                {"replication_lag_seconds", lag},
                {"error", nullptr}};
    } catch (const std::exception& e) {
        session_.disconnect();
        down["error"] = redact(e.what());
        return down;
    }
}

}  // namespace stackwatch::exporter::postgres
