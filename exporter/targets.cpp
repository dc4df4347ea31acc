#include "exporter/targets.hpp"

#include "exporter/postgres/postgres_target.hpp"
#include "exporter/process/named_processes.hpp"
#include "exporter/redis/redis_target.hpp"

namespace stackwatch::exporter {

std::vector<CollectorFlag> collector_flags() {
    std::vector<CollectorFlag> flags;
    for (const auto& collector : postgres::postgres_collectors())
        flags.push_back({collector.name, collector.enabled_by_default, collector.help});
    return flags;
}

std::vector<std::shared_ptr<Target>> build_targets(const ExporterConfig& config) {
    std::vector<std::shared_ptr<Target>> targets;
    auto enabled = postgres::resolve_collectors(config.collectors);
    for (const auto& spec : config.postgres) {
        postgres::PostgresOptions options;
        options.name = spec.name;
        options.dsn = spec.dsn;
        if (!spec.user.empty()) options.user = spec.user;
        if (!spec.password.empty()) options.password = spec.password;
        options.connection_options = spec.options;
        options.enabled_collectors = enabled;
        options.custom_queries_file = spec.queries_file;
        options.statement_timeout = spec.statement_timeout;
        targets.push_back(std::make_shared<postgres::PostgresTarget>(options));
    }
    for (const auto& spec : config.redis) {
        redis::RedisTargetOptions options;
        options.name = spec.name;
        options.address = spec.address;
        options.user = spec.user;
        options.password = spec.password;
        targets.push_back(std::make_shared<redis::RedisTarget>(options));
    }
    if (!config.processes.empty()) {
        process::NamedProcessesOptions options;
        for (const auto& spec : config.processes) options.groups.push_back({spec.name, spec.pidfile});
        targets.push_back(std::make_shared<process::NamedProcesses>(options));
    }
    return targets;
}

}  // namespace stackwatch::exporter
