// pg_database_size_bytes and pg_database_connection_limit per database, as postgres_exporter's
// database collector, in one statement instead of one per database. Databases we may not
// connect to have no size to read and are reported without one. Cached by the caller:
// pg_database_size walks every file of the database.

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

class DatabaseCollector : public SingleQueryCollector {
  public:
    DatabaseCollector() : SingleQueryCollector("stackwatch_database") {}

  protected:
    std::string sql(const ServerFacts&) const override {
        return "SELECT datname, datconnlimit, CASE WHEN has_database_privilege(oid, 'CONNECT') "
               "THEN pg_database_size(oid) END AS size FROM pg_database ORDER BY datname";
    }
    void add(const Row& row, const ServerFacts&, MetricSet& out) const override {
        Labels labels{{"datname", as_label(row["datname"])}};
        out.gauge("pg_database_connection_limit", "Connection limit set for the database",
                  as_double(row["datconnlimit"]), labels);
        if (!row["size"].is_null())
            out.gauge("pg_database_size_bytes", "Disk space used by the database",
                      as_double(row["size"]), labels);
    }
};

}  // namespace

std::unique_ptr<Collector> make_database_collector(const PostgresOptions& options) {
    return std::make_unique<CachedCollector>(std::make_unique<DatabaseCollector>(),
                                             options.slow_facts_ttl);
}

}  // namespace stackwatch::exporter::postgres
