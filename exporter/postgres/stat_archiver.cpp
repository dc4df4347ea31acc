// pg_stat_archiver, named as postgres_exporter's stat_archiver collector. Until a WAL segment has
// been archived the archive age is NaN, as 0.11 reports it (0.20 leaves it out); comparisons
// against NaN are false either way, so alerts on it behave the same.

#include <array>

#include "exporter/postgres/collector.hpp"
#include "exporter/postgres/column_metrics.hpp"

namespace stackwatch::exporter::postgres {
namespace {

const std::array kColumns = std::to_array<ColumnMetric>({
    {"archived_count",
     "pg_stat_archiver_archived_count",
     Kind::counter,
     "Number of WAL files that have been successfully archived",
     {},
     1,
     WhenNull::skip},
    {"failed_count",
     "pg_stat_archiver_failed_count",
     Kind::counter,
     "Number of failed attempts for archiving WAL files",
     {},
     1,
     WhenNull::skip},
    {"last_archive_age", "pg_stat_archiver_last_archive_age", Kind::gauge,
     "Time in seconds since last WAL segment was successfully archived",
     "extract(epoch FROM now() - last_archived_time)", 1, WhenNull::nan},
});

}  // namespace

std::unique_ptr<Collector> make_stat_archiver_collector(const PostgresOptions&) {
    return std::make_unique<ColumnsCollector>(
        "stackwatch_stat_archiver", std::vector<LabelColumn>{}, kColumns, "FROM pg_stat_archiver");
}

}  // namespace stackwatch::exporter::postgres
