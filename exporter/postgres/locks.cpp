// pg_locks_count{datname,mode}: every database crossed with every lock mode, zeros included, as
// postgres_exporter's locks collector reports them.

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

class LocksCollector : public SingleQueryCollector {
  public:
    LocksCollector() : SingleQueryCollector("stackwatch_locks") {}

  protected:
    std::string sql(const ServerFacts&) const override {
        return "SELECT pg_database.datname, tmp.mode, COALESCE(count, 0) AS count FROM (VALUES "
               "('accesssharelock'), ('rowsharelock'), ('rowexclusivelock'), "
               "('shareupdateexclusivelock'), "
               "('sharelock'), ('sharerowexclusivelock'), ('exclusivelock'), "
               "('accessexclusivelock'), "
               "('sireadlock')) AS tmp(mode) CROSS JOIN pg_database LEFT JOIN (SELECT database, "
               "lower(mode) "
               "AS mode, count(*) AS count FROM pg_locks WHERE database IS NOT NULL GROUP BY "
               "database, "
               "lower(mode)) AS tmp2 ON tmp.mode = tmp2.mode AND pg_database.oid = tmp2.database "
               "ORDER BY 1, 2";
    }
    void add(const Row& row, const ServerFacts&, MetricSet& out) const override {
        out.gauge("pg_locks_count", "Number of locks", as_double(row["count"]),
                  {{"datname", as_label(row["datname"])}, {"mode", as_label(row["mode"])}});
    }
};

}  // namespace

std::unique_ptr<Collector> make_locks_collector(const PostgresOptions&) {
    return std::make_unique<LocksCollector>();
}

}  // namespace stackwatch::exporter::postgres
