// pg_stat_user_tables of the connected database, named as postgres_exporter's stat_user_tables
// collector. Bounded to the most active tables so a schema with thousands of tables neither
// floods the scrape nor makes PostgreSQL size every one of them.

#include <array>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::array kColumns = std::to_array<ColumnMetric>({
    {"seq_scan", "pg_stat_user_tables_seq_scan", Kind::counter,
     "Number of sequential scans initiated on this table"},
    {"seq_tup_read", "pg_stat_user_tables_seq_tup_read", Kind::counter,
     "Number of live rows fetched by sequential scans"},
    {"idx_scan", "pg_stat_user_tables_idx_scan", Kind::counter,
     "Number of index scans initiated on this table"},
    {"idx_tup_fetch", "pg_stat_user_tables_idx_tup_fetch", Kind::counter,
     "Number of live rows fetched by index scans"},
    {"n_tup_ins", "pg_stat_user_tables_n_tup_ins", Kind::counter, "Number of rows inserted"},
    {"n_tup_upd", "pg_stat_user_tables_n_tup_upd", Kind::counter, "Number of rows updated"},
    {"n_tup_del", "pg_stat_user_tables_n_tup_del", Kind::counter, "Number of rows deleted"},
    {"n_tup_hot_upd", "pg_stat_user_tables_n_tup_hot_upd", Kind::counter,
     "Number of rows HOT updated (i.e., with no separate index update required)"},
    {"n_live_tup", "pg_stat_user_tables_n_live_tup", Kind::gauge, "Estimated number of live rows"},
    {"n_dead_tup", "pg_stat_user_tables_n_dead_tup", Kind::gauge, "Estimated number of dead rows"},
    {"n_mod_since_analyze", "pg_stat_user_tables_n_mod_since_analyze", Kind::gauge,
     "Estimated number of rows changed since last analyze"},
    {"last_vacuum", "pg_stat_user_tables_last_vacuum", Kind::gauge,
     "Last time at which this table was manually vacuumed (not counting VACUUM FULL)",
     "extract(epoch FROM COALESCE(last_vacuum, '1970-01-01Z'))"},
    {"last_autovacuum", "pg_stat_user_tables_last_autovacuum", Kind::gauge,
     "Last time at which this table was vacuumed by the autovacuum daemon",
     "extract(epoch FROM COALESCE(last_autovacuum, '1970-01-01Z'))"},
    {"last_analyze", "pg_stat_user_tables_last_analyze", Kind::gauge,
     "Last time at which this table was manually analyzed",
     "extract(epoch FROM COALESCE(last_analyze, '1970-01-01Z'))"},
    {"last_autoanalyze", "pg_stat_user_tables_last_autoanalyze", Kind::gauge,
     "Last time at which this table was analyzed by the autovacuum daemon",
     "extract(epoch FROM COALESCE(last_autoanalyze, '1970-01-01Z'))"},
    {"vacuum_count", "pg_stat_user_tables_vacuum_count", Kind::counter,
     "Number of times this table has been manually vacuumed (not counting VACUUM FULL)"},
    {"autovacuum_count", "pg_stat_user_tables_autovacuum_count", Kind::counter,
     "Number of times this table has been vacuumed by the autovacuum daemon"},
    {"analyze_count", "pg_stat_user_tables_analyze_count", Kind::counter,
     "Number of times this table has been manually analyzed"},
    {"autoanalyze_count", "pg_stat_user_tables_autoanalyze_count", Kind::counter,
     "Number of times this table has been analyzed by the autovacuum daemon"},
    {"index_size", "pg_stat_user_tables_index_size_bytes", Kind::gauge,
     "Total disk space used by this index, in bytes", "pg_indexes_size(relid)"},
    {"table_size", "pg_stat_user_tables_table_size_bytes", Kind::gauge,
     "Total disk space used by this table, in bytes", "pg_table_size(relid)"},
});

}  // namespace

std::unique_ptr<Collector> make_stat_user_tables_collector(const PostgresOptions& options) {
    // Sizes are computed in an outer query so only the tables kept are sized.
    return std::make_unique<ColumnsCollector>(
        "stackwatch_stat_user_tables",
        std::vector<LabelColumn>{{"datname", "current_database()"},
                                 {"schemaname", "schemaname", "unknown"},
                                 {"relname", "relname", "unknown"}},
        kColumns,
        "FROM (SELECT * FROM pg_stat_user_tables ORDER BY COALESCE(seq_scan, 0) + "
        "COALESCE(idx_scan, 0) + "
        "n_tup_ins + n_tup_upd + n_tup_del DESC, relid LIMIT " +
            std::to_string(options.max_tables) + ") t");
}

}  // namespace stackwatch::exporter::postgres
