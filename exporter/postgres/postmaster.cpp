// pg_postmaster_start_time_seconds, read with the connection's server facts: the postmaster
// cannot restart without breaking the connection, so no query per scrape is needed.

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

class PostmasterCollector : public Collector {
  public:
    std::optional<Statement> statement(Session&) override { return std::nullopt; }
    void collect(Session& session, Deadline, MetricSet& out) override {
        out.gauge("pg_postmaster_start_time_seconds", "Time at which postmaster started",
                  session.facts().postmaster_start_time);
    }
};

}  // namespace

std::unique_ptr<Collector> make_postmaster_collector(const PostgresOptions&) {
    return std::make_unique<PostmasterCollector>();
}

}  // namespace stackwatch::exporter::postgres
