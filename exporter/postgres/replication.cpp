// pg_replication_lag_seconds, pg_replication_is_replica and pg_replication_last_replay_seconds,
// as postgres_exporter's replication collector (0.11 only had a pg_replication_lag example in its
// sample queries.yaml; the built-in collector named it _lag_seconds since).

#include <array>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::array kColumns = std::to_array<ColumnMetric>({
    {"lag", "pg_replication_lag_seconds", Kind::gauge, "Replication lag behind master in seconds",
     "CASE WHEN NOT pg_is_in_recovery() THEN 0 WHEN pg_last_wal_receive_lsn() = "
     "pg_last_wal_replay_lsn() THEN 0 "
     "ELSE GREATEST(0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))) END"},
    {"is_replica", "pg_replication_is_replica", Kind::gauge, "Indicates if the server is a replica",
     "CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END"},
    {"last_replay", "pg_replication_last_replay_seconds", Kind::gauge,
     "Age of last replay in seconds",
     "GREATEST(0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp())))"},
});

}  // namespace

std::unique_ptr<Collector> make_replication_collector(const PostgresOptions&) {
    return std::make_unique<ColumnsCollector>("stackwatch_replication", std::vector<LabelColumn>{},
                                              kColumns, "");
}

}  // namespace stackwatch::exporter::postgres
