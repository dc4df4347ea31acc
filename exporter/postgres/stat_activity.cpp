// pg_stat_activity_count and _max_tx_duration by {datname,state}, zeros included for every
// database and state. postgres_exporter 0.20 adds usename, application_name, backend_type and
// wait event labels; those multiply the series per scrape, so these stay at the two labels that
// dashboards aggregate by (sum by (datname, state) gives the same numbers for both).

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

class StatActivityCollector : public SingleQueryCollector {
  public:
    StatActivityCollector() : SingleQueryCollector("stackwatch_stat_activity") {}

  protected:
    std::string sql(const ServerFacts&) const override {
        // Our own backend is left out, as in postgres_exporter: it is always active while scraping.
        return "SELECT pg_database.datname, tmp.state, COALESCE(count, 0) AS count, "
               "COALESCE(max_tx_duration, 0) AS max_tx_duration FROM (VALUES ('active'), ('idle'), "
               "('idle in transaction'), ('idle in transaction (aborted)'), ('fastpath function "
               "call'), "
               "('disabled')) AS tmp(state) CROSS JOIN pg_database LEFT JOIN (SELECT datname, "
               "state, "
               "count(*) AS count, MAX(EXTRACT(EPOCH FROM now() - xact_start))::float AS "
               "max_tx_duration "
               "FROM pg_stat_activity WHERE pid <> pg_backend_pid() GROUP BY datname, state) AS "
               "tmp2 "
               "ON tmp.state = tmp2.state AND pg_database.datname = tmp2.datname ORDER BY 1, 2";
    }
    void add(const Row& row, const ServerFacts&, MetricSet& out) const override {
        Labels labels{{"datname", as_label(row["datname"])}, {"state", as_label(row["state"])}};
        out.gauge("pg_stat_activity_count", "number of connections in this state",
                  as_double(row["count"]), labels);
        out.gauge("pg_stat_activity_max_tx_duration",
                  "max duration in seconds any active transaction has been running",
                  as_double(row["max_tx_duration"]), labels);
    }
};

}  // namespace

std::unique_ptr<Collector> make_stat_activity_collector(const PostgresOptions&) {
    return std::make_unique<StatActivityCollector>();
}

}  // namespace stackwatch::exporter::postgres
