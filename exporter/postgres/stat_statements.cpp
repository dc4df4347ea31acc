// pg_stat_statements_* {user,datname,queryid}, as postgres_exporter's stat_statements collector:
// the top statements by total execution time. Rows that differ only in `toplevel` are summed so
// each series appears once; the query text is read only when asked for.

#include <array>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

constexpr int kPg13 = 130000;
constexpr int kPg17 = 170000;

const std::array kColumns = std::to_array<ColumnMetric>({
    {"calls_total", "pg_stat_statements_calls_total", Kind::counter, "Number of times executed"},
    {"seconds_total", "pg_stat_statements_seconds_total", Kind::counter,
     "Total time spent in the statement, in seconds"},
    {"rows_total", "pg_stat_statements_rows_total", Kind::counter,
     "Total number of rows retrieved or affected by the statement"},
    {"block_read_seconds_total", "pg_stat_statements_block_read_seconds_total", Kind::counter,
     "Total time the statement spent reading blocks, in seconds"},
    {"block_write_seconds_total", "pg_stat_statements_block_write_seconds_total", Kind::counter,
     "Total time the statement spent writing blocks, in seconds"},
});

class StatStatementsCollector : public SingleQueryCollector {
  public:
    explicit StatStatementsCollector(const PostgresOptions& options)
        : SingleQueryCollector("stackwatch_stat_statements"),
          limit_(options.max_statements),
          include_query_(options.statements_include_query),
          query_length_(options.statements_query_length) {}

  protected:
    std::string sql(const ServerFacts& facts) const override {
        std::string exec_time = facts.version_num >= kPg13 ? "total_exec_time" : "total_time";
        std::string read_time =
            facts.version_num >= kPg17 ? "shared_blk_read_time" : "blk_read_time";
        std::string write_time =
            facts.version_num >= kPg17 ? "shared_blk_write_time" : "blk_write_time";
        std::string source =
            facts.version_num >= kPg13
                ? "pg_stat_statements(" + std::string(include_query_ ? "true" : "false") + ")"
                : "pg_stat_statements";
        // The text of a queryid is reported once even when several users ran it.
        std::string text =
            include_query_
                ? "LEFT(min(s.query), " + std::to_string(query_length_) +
                      ") AS query, (row_number() OVER (PARTITION BY s.queryid) = 1)::int "
                      "AS first_of_query, "
                : "";
        return "SELECT pg_get_userbyid(s.userid) AS \"user\", d.datname, s.queryid::text AS "
               "queryid, " +
               text + "sum(s.calls) AS calls_total, sum(s." + exec_time +
               ") / 1000.0 AS seconds_total, "
               "sum(s.rows) AS rows_total, sum(s." +
               read_time +
               ") / 1000.0 AS block_read_seconds_total, "
               "sum(s." +
               write_time + ") / 1000.0 AS block_write_seconds_total FROM " + source +
               " s JOIN pg_database d ON d.oid = s.dbid GROUP BY s.userid, d.datname, s.queryid "
               "ORDER BY seconds_total DESC LIMIT " +
               std::to_string(limit_);
    }

    void add(const Row& row, const ServerFacts& facts, MetricSet& out) const override {
        std::string queryid = as_label(row["queryid"], "unknown");
        add_row(out, row, kColumns, facts.version_num,
                {{"user", as_label(row["user"], "unknown")},
                 {"datname", as_label(row["datname"], "unknown")},
                 {"queryid", queryid}});
        if (include_query_ && as_double(row["first_of_query"]) == 1)
            out.counter("pg_stat_statements_query_id", "SQL Query to queryid mapping", 1,
                        {{"queryid", queryid}, {"query", as_label(row["query"], "unknown")}});
    }

  private:
    std::size_t limit_;
    bool include_query_;
    std::size_t query_length_;
};

}  // namespace

std::unique_ptr<Collector> make_stat_statements_collector(const PostgresOptions& options) {
    return std::make_unique<StatStatementsCollector>(options);
}

}  // namespace stackwatch::exporter::postgres
