#pragma once
// One named group of metrics read from a server (postgres_exporter's --collector.<name>), and
// the registry of all of them with their default enabled state.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "exporter/metric_set.hpp"
#include "exporter/postgres/column_metrics.hpp"
#include "exporter/postgres/postgres_options.hpp"
#include "exporter/postgres/session.hpp"
#include "exporter/target.hpp"

namespace stackwatch::exporter::postgres {

class Collector {
  public:
    virtual ~Collector() = default;
    // The statement the next collect() will run, so that a scrape can send all of them in one
    // pipeline before the first collector reads its answer; nullopt when it will run none.
    virtual std::optional<Statement> statement(Session& session) = 0;
    // Adds this collector's metrics to `out`; throws on any failure (the caller then reports the
    // collector as failed and keeps nothing it added).
    virtual void collect(Session& session, Deadline deadline, MetricSet& out) = 0;
};

// A collector that runs one statement, rebuilt for each new connection since the SQL may depend
// on the server version.
class SingleQueryCollector : public Collector {
  public:
    explicit SingleQueryCollector(std::string statement_name)
        : statement_name_(std::move(statement_name)) {}
    std::optional<Statement> statement(Session& session) override;
    void collect(Session& session, Deadline deadline, MetricSet& out) override;

  protected:
    virtual std::string sql(const ServerFacts& facts) const = 0;
    virtual void add(const Row& row, const ServerFacts& facts, MetricSet& out) const = 0;

  private:
    std::string statement_name_;
    std::string sql_;
    std::uint64_t generation_ = 0;
};

struct LabelColumn {
    std::string_view label;
    std::string_view expression;
    std::string_view when_null = {};
};

// "SELECT <labels>, <columns> <rest>": every row gives one metric per column, labelled alike.
class ColumnsCollector : public SingleQueryCollector {
  public:
    ColumnsCollector(std::string statement_name, std::vector<LabelColumn> labels,
                     std::span<const ColumnMetric> columns, std::string rest)
        : SingleQueryCollector(std::move(statement_name)),
          labels_(std::move(labels)),
          columns_(columns),
          rest_(std::move(rest)) {}

  protected:
    std::string sql(const ServerFacts& facts) const override;
    void add(const Row& row, const ServerFacts& facts, MetricSet& out) const override;

  private:
    std::vector<LabelColumn> labels_;
    std::span<const ColumnMetric> columns_;
    std::string rest_;
};

// Serves another collector's last result for `ttl`, for facts that change slowly but cost more
// to read than the rest.
class CachedCollector : public Collector {
  public:
    CachedCollector(std::unique_ptr<Collector> inner, std::chrono::milliseconds ttl)
        : inner_(std::move(inner)), ttl_(ttl) {}
    std::optional<Statement> statement(Session& session) override;
    void collect(Session& session, Deadline deadline, MetricSet& out) override;

  private:
    bool stale(const Session& session) const;
    std::unique_ptr<Collector> inner_;
    std::chrono::milliseconds ttl_;
    std::shared_ptr<const MetricSet> cached_;
    std::chrono::steady_clock::time_point read_at_;
    std::uint64_t generation_ = 0;
};

struct CollectorInfo {
    std::string name;
    bool enabled_by_default;
    std::string help;
};

// Every collector by name, in the order they run.
std::vector<CollectorInfo> postgres_collectors();

struct NamedCollector {
    std::string name;
    std::unique_ptr<Collector> collector;
};

// The enabled set after --collector.<name> / --no-collector.<name> style overrides of the
// defaults. Throws std::invalid_argument naming an unknown collector.
std::set<std::string> resolve_collectors(const std::map<std::string, bool>& overrides);

// The collectors `options` enables (the defaults when it names none). Throws
// std::invalid_argument naming an unknown collector.
std::vector<NamedCollector> make_collectors(const PostgresOptions& options);

// One factory per collector file.
std::unique_ptr<Collector> make_database_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_locks_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_postmaster_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_replication_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_replication_slots_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_settings_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_activity_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_archiver_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_bgwriter_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_database_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_replication_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_statements_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_stat_user_tables_collector(const PostgresOptions& options);
std::unique_ptr<Collector> make_statio_user_tables_collector(const PostgresOptions& options);

}  // namespace stackwatch::exporter::postgres
