#pragma once
// One PostgreSQL server as a scrape target, with postgres_exporter's metric names: pg_up,
// pg_static, pg_exporter_*, pg_scrape_collector_* and whatever the enabled collectors and
// custom queries add. One reused connection (application_name=stackwatch-exporter); every
// statement is bounded by the scrape deadline.

#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "exporter/postgres/collector.hpp"
#include "exporter/postgres/postgres_options.hpp"
#include "exporter/postgres/session.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::postgres {

class PostgresTarget : public Target {
  public:
    // Throws std::invalid_argument (bad DSN, unknown collector) or ConfigError (custom queries
    // file) before anything connects. Never connects here: a down server is a scrape result.
    explicit PostgresTarget(PostgresOptions options);
    ~PostgresTarget() override;

    const std::string& name() const override { return options_.name; }
    std::string kind() const override { return "postgres"; }
    const std::string& server() const { return server_; }  // "host:port", no secrets

    void collect(MetricSet& out, Deadline deadline, LatencyObserver& latency) override;
    nlohmann::json health(Deadline deadline, LatencyObserver& latency) override;

  private:
    // Connects when needed and sends SELECT 1 and every collector's statement in one pipeline;
    // empty when SELECT 1 was answered, else the redacted error.
    std::string probe(Deadline deadline, LatencyObserver& latency);
    bool run_collector(NamedCollector& collector, Deadline deadline, LatencyObserver& latency,
                       MetricSet& out);
    // A custom query may name a family a collector already reported (postgres_exporter's sample
    // queries.yaml has pg_postmaster and pg_stat_user_tables); the first one is kept, since
    // two would be duplicate series.
    void merge_new_families(const std::string& collector, MetricSet&& part, MetricSet& out);

    PostgresOptions options_;
    std::string server_;
    // Health checks may come while a scrape holds the connection; they wait at most until their
    // own deadline.
    std::timed_mutex mutex_;
    Session session_;
    std::vector<NamedCollector> collectors_;
    double scrapes_ = 0;
    std::set<std::string> reported_duplicates_;
};

}  // namespace stackwatch::exporter::postgres
