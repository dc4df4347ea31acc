#include <functional>
#include <stdexcept>

#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

struct Registration {
    CollectorInfo info;
    std::function<std::unique_ptr<Collector>(const PostgresOptions&)> make;
};

// Names and defaults follow postgres_exporter, except postmaster, which is on here: its value
// comes with the connection and costs no query.
const std::vector<Registration>& registry() {
    static const std::vector<Registration> kRegistry = {
        {{"stat_database", true, "pg_stat_database and pg_stat_database_conflicts"},
         make_stat_database_collector},
        {{"stat_bgwriter", true, "pg_stat_bgwriter"}, make_stat_bgwriter_collector},
        {{"stat_archiver", true, "pg_stat_archiver"}, make_stat_archiver_collector},
        {{"settings", true, "numeric pg_settings, units normalised to seconds and bytes"},
         make_settings_collector},
        {{"locks", true, "pg_locks by database and mode"}, make_locks_collector},
        {{"stat_activity", true, "connections by database and state"},
         make_stat_activity_collector},
        {{"database", true, "database sizes and connection limits"}, make_database_collector},
        {{"replication", true, "replica status and replication lag"}, make_replication_collector},
        {{"stat_replication", true, "pg_stat_replication"}, make_stat_replication_collector},
        {{"replication_slots", true, "pg_replication_slots"}, make_replication_slots_collector},
        {{"postmaster", true, "postmaster start time"}, make_postmaster_collector},
        {{"stat_user_tables", true, "pg_stat_user_tables, most active tables first"},
         make_stat_user_tables_collector},
        {{"statio_user_tables", true, "pg_statio_user_tables, most active tables first"},
         make_statio_user_tables_collector},
        {{"stat_statements", false, "pg_stat_statements, top statements by total time"},
         make_stat_statements_collector},
    };
    return kRegistry;
}

void require_known(const std::string& name) {
    for (const auto& registration : registry())
        if (registration.info.name == name) return;
    throw std::invalid_argument("unknown PostgreSQL collector \"" + name + "\"");
}

}  // namespace

std::vector<CollectorInfo> postgres_collectors() {
    std::vector<CollectorInfo> infos;
    for (const auto& registration : registry()) infos.push_back(registration.info);
    return infos;
}

std::set<std::string> resolve_collectors(const std::map<std::string, bool>& overrides) {
    std::set<std::string> enabled;
    for (const auto& registration : registry())
        if (registration.info.enabled_by_default) enabled.insert(registration.info.name);
    for (const auto& [name, on] : overrides) {
        require_known(name);
        if (on) {
            enabled.insert(name);
        } else {
            enabled.erase(name);
        }
    }
    return enabled;
}

std::vector<NamedCollector> make_collectors(const PostgresOptions& options) {
    if (options.enabled_collectors)
        for (const auto& name : *options.enabled_collectors) require_known(name);
    std::vector<NamedCollector> collectors;
    for (const auto& registration : registry()) {
        bool enabled = options.enabled_collectors
                           ? options.enabled_collectors->count(registration.info.name) != 0
                           : registration.info.enabled_by_default;
        if (enabled) collectors.push_back({registration.info.name, registration.make(options)});
    }
    return collectors;
}

}  // namespace stackwatch::exporter::postgres
