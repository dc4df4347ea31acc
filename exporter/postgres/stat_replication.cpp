// pg_stat_replication_pg_current_wal_lsn_bytes and _pg_wal_lsn_diff per standby, as
// postgres_exporter's stat_replication collector (with its pid label, which keeps two standbys
// with the same name and address apart).

#include <array>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::array kColumns = std::to_array<ColumnMetric>({
    {"pg_current_wal_lsn_bytes", "pg_stat_replication_pg_current_wal_lsn_bytes", Kind::gauge,
     "WAL position in bytes",
     "(CASE pg_is_in_recovery() WHEN 't' THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
     "pg_lsn('0/0'))::float "
     "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), pg_lsn('0/0'))::float END)",
     1, WhenNull::skip},
    {"pg_wal_lsn_diff", "pg_stat_replication_pg_wal_lsn_diff", Kind::gauge,
     "Lag in bytes between master and slave",
     "(CASE pg_is_in_recovery() WHEN 't' THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), "
     "replay_lsn)::float "
     "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float END)",
     1, WhenNull::skip},
});

}  // namespace

std::unique_ptr<Collector> make_stat_replication_collector(const PostgresOptions&) {
    return std::make_unique<ColumnsCollector>(
        "stackwatch_stat_replication",
        std::vector<LabelColumn>{{"application_name", "r.application_name"},
                                 {"client_addr", "r.client_addr::text"},
                                 {"state", "r.state"},
                                 {"slot_name", "s.slot_name"},
                                 {"pid", "r.pid::text"}},
        kColumns,
        "FROM pg_stat_replication r LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid");
}

}  // namespace stackwatch::exporter::postgres
