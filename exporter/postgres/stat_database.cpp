// pg_stat_database and pg_stat_database_conflicts in one statement. Names and types follow
// postgres_exporter's stat_database collector and its pg_stat_database_conflicts map; the PG 12+
// and 14+ columns it does not type keep the untyped names version 0.11 exposed them under.

#include <array>

#include "exporter/postgres/collector.hpp"
#include "exporter/postgres/column_metrics.hpp"

namespace stackwatch::exporter::postgres {
namespace {

constexpr int kPg12 = 120000;
constexpr int kPg14 = 140000;
constexpr int kPg16 = 160000;

const std::array kColumns = std::to_array<ColumnMetric>({
    {"numbackends", "pg_stat_database_numbackends", Kind::gauge,
     "Number of backends currently connected to this database. This is the only column in this "
     "view that returns a value reflecting current state; all other columns return the accumulated "
     "values since the last reset."},
    {"xact_commit", "pg_stat_database_xact_commit", Kind::counter,
     "Number of transactions in this database that have been committed"},
    {"xact_rollback", "pg_stat_database_xact_rollback", Kind::counter,
     "Number of transactions in this database that have been rolled back"},
    {"blks_read", "pg_stat_database_blks_read", Kind::counter,
     "Number of disk blocks read in this database"},
    {"blks_hit", "pg_stat_database_blks_hit", Kind::counter,
     "Number of times disk blocks were found already in the buffer cache, so that a read was not "
     "necessary (this only includes hits in the PostgreSQL buffer cache, not the operating "
     "system's file system cache)"},
    {"tup_returned", "pg_stat_database_tup_returned", Kind::counter,
     "Number of rows returned by queries in this database"},
    {"tup_fetched", "pg_stat_database_tup_fetched", Kind::counter,
     "Number of rows fetched by queries in this database"},
    {"tup_inserted", "pg_stat_database_tup_inserted", Kind::counter,
     "Number of rows inserted by queries in this database"},
    {"tup_updated", "pg_stat_database_tup_updated", Kind::counter,
     "Number of rows updated by queries in this database"},
    {"tup_deleted", "pg_stat_database_tup_deleted", Kind::counter,
     "Number of rows deleted by queries in this database"},
    {"conflicts", "pg_stat_database_conflicts", Kind::counter,
     "Number of queries canceled due to conflicts with recovery in this database. (Conflicts occur "
     "only on standby servers; see pg_stat_database_conflicts for details.)",
     "d.conflicts"},
    {"temp_files", "pg_stat_database_temp_files", Kind::counter,
     "Number of temporary files created by queries in this database. All temporary files are "
     "counted, regardless of why the temporary file was created (e.g., sorting or hashing), and "
     "regardless of the log_temp_files setting."},
    {"temp_bytes", "pg_stat_database_temp_bytes", Kind::counter,
     "Total amount of data written to temporary files by queries in this database. All temporary "
     "files are counted, regardless of why the temporary file was created, and regardless of the "
     "log_temp_files setting."},
    {"deadlocks", "pg_stat_database_deadlocks", Kind::counter,
     "Number of deadlocks detected in this database"},
    {"blk_read_time", "pg_stat_database_blk_read_time", Kind::counter,
     "Time spent reading data file blocks by backends in this database, in milliseconds"},
    {"blk_write_time", "pg_stat_database_blk_write_time", Kind::counter,
     "Time spent writing data file blocks by backends in this database, in milliseconds"},
    {"stats_reset", "pg_stat_database_stats_reset", Kind::counter,
     "Time at which these statistics were last reset", "extract(epoch FROM d.stats_reset)"},
    {"active_time_seconds", "pg_stat_database_active_time_seconds_total", Kind::counter,
     "Time spent executing SQL statements in this database, in seconds", "active_time", 0.001,
     WhenNull::zero, kPg14},
    {"checksum_failures",
     "pg_stat_database_checksum_failures",
     Kind::untyped,
     "Number of data page checksum failures detected in this database (NaN when checksums are off)",
     {},
     1,
     WhenNull::nan,
     kPg12},
    {"checksum_last_failure", "pg_stat_database_checksum_last_failure", Kind::untyped,
     "Time at which the last data page checksum failure was detected in this database, in Unix "
     "seconds",
     "extract(epoch FROM checksum_last_failure)", 1, WhenNull::nan, kPg12},
    {"session_time",
     "pg_stat_database_session_time",
     Kind::untyped,
     "Time spent by database sessions in this database, in milliseconds",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"active_time",
     "pg_stat_database_active_time",
     Kind::untyped,
     "Time spent executing SQL statements in this database, in milliseconds",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"idle_in_transaction_time",
     "pg_stat_database_idle_in_transaction_time",
     Kind::untyped,
     "Time spent idling while in a transaction in this database, in milliseconds",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"sessions",
     "pg_stat_database_sessions",
     Kind::untyped,
     "Total number of sessions established to this database",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"sessions_abandoned",
     "pg_stat_database_sessions_abandoned",
     Kind::untyped,
     "Number of database sessions to this database that were terminated because connection to the "
     "client was lost",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"sessions_fatal",
     "pg_stat_database_sessions_fatal",
     Kind::untyped,
     "Number of database sessions to this database that were terminated by fatal errors",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"sessions_killed",
     "pg_stat_database_sessions_killed",
     Kind::untyped,
     "Number of database sessions to this database that were terminated by operator intervention",
     {},
     1,
     WhenNull::nan,
     kPg14},
    {"confl_tablespace",
     "pg_stat_database_conflicts_confl_tablespace",
     Kind::counter,
     "Number of queries in this database that have been canceled due to dropped tablespaces",
     {},
     1,
     WhenNull::skip},
    {"confl_lock",
     "pg_stat_database_conflicts_confl_lock",
     Kind::counter,
     "Number of queries in this database that have been canceled due to lock timeouts",
     {},
     1,
     WhenNull::skip},
    {"confl_snapshot",
     "pg_stat_database_conflicts_confl_snapshot",
     Kind::counter,
     "Number of queries in this database that have been canceled due to old snapshots",
     {},
     1,
     WhenNull::skip},
    {"confl_bufferpin",
     "pg_stat_database_conflicts_confl_bufferpin",
     Kind::counter,
     "Number of queries in this database that have been canceled due to pinned buffers",
     {},
     1,
     WhenNull::skip},
    {"confl_deadlock",
     "pg_stat_database_conflicts_confl_deadlock",
     Kind::counter,
     "Number of queries in this database that have been canceled due to deadlocks",
     {},
     1,
     WhenNull::skip},
    {"confl_active_logicalslot",
     "pg_stat_database_conflicts_confl_active_logicalslot",
     Kind::counter,
     "Number of uses of logical slots in this database that have been canceled due to old "
     "snapshots or too low a wal_level on the primary",
     {},
     1,
     WhenNull::skip,
     kPg16},
});

}  // namespace

std::unique_ptr<Collector> make_stat_database_collector(const PostgresOptions&) {
    return std::make_unique<ColumnsCollector>(
        "stackwatch_stat_database",
        std::vector<LabelColumn>{{"datid", "d.datid::text"}, {"datname", "d.datname"}}, kColumns,
        // The shared-objects row (datid 0) has no database name; postgres_exporter skips it too.
        "FROM pg_stat_database d LEFT JOIN pg_stat_database_conflicts c ON c.datid = d.datid "
        "WHERE d.datname IS NOT NULL");
}

}  // namespace stackwatch::exporter::postgres
