// pg_replication_slots_* as postgres_exporter's replication_slots collector, from one statement
// where it runs two.

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

constexpr int kPg13 = 130000;

class ReplicationSlotsCollector : public SingleQueryCollector {
  public:
    ReplicationSlotsCollector() : SingleQueryCollector("stackwatch_replication_slots") {}

  protected:
    std::string sql(const ServerFacts& facts) const override {
        std::string sql =
            "SELECT slot_name, slot_type, database, active::int AS active, "
            "(CASE pg_is_in_recovery() WHEN 't' THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
            "restart_lsn) "
            "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) END) AS pg_wal_lsn_diff, "
            "(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn() - '0/0' "
            "ELSE pg_current_wal_lsn() - '0/0' END) AS current_wal_lsn, "
            "COALESCE(confirmed_flush_lsn, '0/0') - '0/0' AS confirmed_flush_lsn";
        if (facts.version_num >= kPg13) sql += ", safe_wal_size, wal_status";
        return sql + " FROM pg_replication_slots ORDER BY slot_name";
    }

    void add(const Row& row, const ServerFacts& facts, MetricSet& out) const override {
        Labels by_database{{"slot_name", as_label(row["slot_name"])},
                           {"database", as_label(row["database"])}};
        Labels by_type{{"slot_name", as_label(row["slot_name"], "unknown")},
                       {"slot_type", as_label(row["slot_type"], "unknown")}};
        bool active = as_double(row["active"]) == 1;
        out.gauge("pg_replication_slots_active", "Flag indicating if the slot is active",
                  active ? 1 : 0, by_database);
        if (!row["pg_wal_lsn_diff"].is_null())
            out.gauge("pg_replication_slots_pg_wal_lsn_diff", "Replication lag in bytes",
                      as_double(row["pg_wal_lsn_diff"]), by_database);
        if (!row["current_wal_lsn"].is_null())
            out.gauge("pg_replication_slots_slot_current_wal_lsn", "current wal lsn value",
                      as_double(row["current_wal_lsn"]), by_type);
        if (active)
            out.gauge("pg_replication_slots_slot_confirmed_flush_lsn",
                      "last lsn confirmed flushed to the replication slot",
                      as_double(row["confirmed_flush_lsn"]), by_type);
        out.gauge("pg_replication_slots_slot_is_active",
                  "whether the replication slot is active or not", active ? 1 : 0, by_type);
        if (facts.version_num < kPg13) return;
        if (!row["safe_wal_size"].is_null())
            out.gauge("pg_replication_slots_safe_wal_size_bytes",
                      "number of bytes that can be written to WAL such that this slot is not in "
                      "danger of getting in state lost",
                      as_double(row["safe_wal_size"]), by_type);
        if (!row["wal_status"].is_null()) {
            Labels with_status = by_type;
            with_status.emplace_back("wal_status", as_label(row["wal_status"]));
            out.gauge("pg_replication_slots_wal_status",
                      "availability of WAL files claimed by this slot", 1, with_status);
        }
    }
};

}  // namespace

std::unique_ptr<Collector> make_replication_slots_collector(const PostgresOptions&) {
    return std::make_unique<ReplicationSlotsCollector>();
}

}  // namespace stackwatch::exporter::postgres
