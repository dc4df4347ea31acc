#pragma once
// How one PostgreSQL target is reached and what is collected from it.

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace stackwatch::exporter::postgres {

struct PostgresOptions {
    std::string name;  // how the target is called in logs and the latency histograms
    // libpq URI (postgresql://...) or key=value string.
    std::string dsn;
    // From an auth module; they override what the DSN says.
    std::optional<std::string> user;
    std::optional<std::string> password;
    std::map<std::string, std::string> connection_options;  // extra libpq keywords (sslmode, ...)

    // Collector names as in postgres_collectors(); nullopt runs the defaults.
    std::optional<std::set<std::string>> enabled_collectors;

    // libpq rounds connect_timeout up to 2 s, so connecting is bounded by our own poll loop.
    std::chrono::milliseconds connect_timeout{1000};
    // A collector waiting on a lock (pg_table_size behind an ACCESS EXCLUSIVE lock) gives up
    // after this instead of eating the scrape's deadline.
    std::chrono::milliseconds lock_timeout{1000};
    // Longest any one statement may run (0: only the scrape deadline bounds it); a custom
    // query's own timeout takes precedence.
    std::chrono::milliseconds statement_timeout{0};
    // Settings and database sizes change slowly and cost more than the rest; they are re-read
    // at most this often.
    std::chrono::milliseconds slow_facts_ttl{std::chrono::seconds(30)};

    std::size_t max_tables = 1000;     // stat_user_tables / statio_user_tables, most active first
    std::size_t max_statements = 100;  // stat_statements, by total execution time
    bool statements_include_query = false;
    std::size_t statements_query_length = 120;

    std::string custom_queries_file;  // postgres_exporter queries.yaml format; empty: none
};

}  // namespace stackwatch::exporter::postgres
