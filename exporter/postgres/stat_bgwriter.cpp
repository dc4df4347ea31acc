// pg_stat_bgwriter, named as postgres_exporter's stat_bgwriter collector. PostgreSQL 17 moved the
// checkpoint and backend columns to pg_stat_checkpointer and pg_stat_io; those are left out there.

#include <array>

#include "exporter/postgres/collector.hpp"
#include "exporter/postgres/column_metrics.hpp"

namespace stackwatch::exporter::postgres {
namespace {

constexpr int kPg17 = 170000;

const std::array kColumns = std::to_array<ColumnMetric>({
    {"checkpoints_timed",
     "pg_stat_bgwriter_checkpoints_timed_total",
     Kind::counter,
     "Number of scheduled checkpoints that have been performed",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"checkpoints_req",
     "pg_stat_bgwriter_checkpoints_req_total",
     Kind::counter,
     "Number of requested checkpoints that have been performed",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"checkpoint_write_time",
     "pg_stat_bgwriter_checkpoint_write_time_total",
     Kind::counter,
     "Total amount of time that has been spent in the portion of checkpoint processing where files "
     "are written to disk, in milliseconds",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"checkpoint_sync_time",
     "pg_stat_bgwriter_checkpoint_sync_time_total",
     Kind::counter,
     "Total amount of time that has been spent in the portion of checkpoint processing where files "
     "are synchronized to disk, in milliseconds",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"buffers_checkpoint",
     "pg_stat_bgwriter_buffers_checkpoint_total",
     Kind::counter,
     "Number of buffers written during checkpoints",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"buffers_clean", "pg_stat_bgwriter_buffers_clean_total", Kind::counter,
     "Number of buffers written by the background writer"},
    {"maxwritten_clean", "pg_stat_bgwriter_maxwritten_clean_total", Kind::counter,
     "Number of times the background writer stopped a cleaning scan because it had written too "
     "many buffers"},
    {"buffers_backend",
     "pg_stat_bgwriter_buffers_backend_total",
     Kind::counter,
     "Number of buffers written directly by a backend",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"buffers_backend_fsync",
     "pg_stat_bgwriter_buffers_backend_fsync_total",
     Kind::counter,
     "Number of times a backend had to execute its own fsync call (normally the background writer "
     "handles those even when the backend does its own write)",
     {},
     1,
     WhenNull::zero,
     0,
     kPg17},
    {"buffers_alloc", "pg_stat_bgwriter_buffers_alloc_total", Kind::counter,
     "Number of buffers allocated"},
    {"stats_reset", "pg_stat_bgwriter_stats_reset_total", Kind::counter,
     "Time at which these statistics were last reset", "extract(epoch FROM stats_reset)::bigint"},
});

}  // namespace

std::unique_ptr<Collector> make_stat_bgwriter_collector(const PostgresOptions&) {
    return std::make_unique<ColumnsCollector>(
        "stackwatch_stat_bgwriter", std::vector<LabelColumn>{}, kColumns, "FROM pg_stat_bgwriter");
}

}  // namespace stackwatch::exporter::postgres
