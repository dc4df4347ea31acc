// pg_statio_user_tables of the connected database, named as postgres_exporter's
// statio_user_tables collector, bounded to the tables with the most block traffic.

#include <array>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::array kColumns = std::to_array<ColumnMetric>({
    {"heap_blks_read", "pg_statio_user_tables_heap_blocks_read", Kind::counter,
     "Number of disk blocks read from this table"},
    {"heap_blks_hit", "pg_statio_user_tables_heap_blocks_hit", Kind::counter,
     "Number of buffer hits in this table"},
    {"idx_blks_read", "pg_statio_user_tables_idx_blocks_read", Kind::counter,
     "Number of disk blocks read from all indexes on this table"},
    {"idx_blks_hit", "pg_statio_user_tables_idx_blocks_hit", Kind::counter,
     "Number of buffer hits in all indexes on this table"},
    {"toast_blks_read", "pg_statio_user_tables_toast_blocks_read", Kind::counter,
     "Number of disk blocks read from this table's TOAST table (if any)"},
    {"toast_blks_hit", "pg_statio_user_tables_toast_blocks_hit", Kind::counter,
     "Number of buffer hits in this table's TOAST table (if any)"},
    {"tidx_blks_read", "pg_statio_user_tables_tidx_blocks_read", Kind::counter,
     "Number of disk blocks read from this table's TOAST table indexes (if any)"},
    {"tidx_blks_hit", "pg_statio_user_tables_tidx_blocks_hit", Kind::counter,
     "Number of buffer hits in this table's TOAST table indexes (if any)"},
});

}  // namespace

std::unique_ptr<Collector> make_statio_user_tables_collector(const PostgresOptions& options) {
    return std::make_unique<ColumnsCollector>(
        "stackwatch_statio_user_tables",
        std::vector<LabelColumn>{{"datname", "current_database()"},
                                 {"schemaname", "schemaname", "unknown"},
                                 {"relname", "relname", "unknown"}},
        kColumns,
        "FROM pg_statio_user_tables ORDER BY COALESCE(heap_blks_read, 0) + COALESCE(heap_blks_hit, "
        "0) + "
        "COALESCE(idx_blks_read, 0) + COALESCE(idx_blks_hit, 0) DESC, relid LIMIT " +
            std::to_string(options.max_tables));
}

}  // namespace stackwatch::exporter::postgres
