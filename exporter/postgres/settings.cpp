// Numeric and boolean pg_settings as pg_settings_<name>[_seconds|_bytes] gauges, with the unit
// normalisation of postgres_exporter's settings collector. Cached by the caller: settings change
// only on reload.

#include <cmath>
#include <cstdlib>
#include <map>

#include "common/logging.hpp"
#include "exporter/postgres/collector.hpp"

namespace stackwatch::exporter::postgres {
namespace {

struct Unit {
    const char* suffix;  // "seconds" or "bytes"
    double factor;
};

// PostgreSQL's setting units and what one of them is in seconds or bytes.
const std::map<std::string, Unit, std::less<>>& units() {
    static const std::map<std::string, Unit, std::less<>> kUnits = {
        {"ms", {"seconds", 1e-3}},     {"s", {"seconds", 1}},
        {"min", {"seconds", 60}},      {"h", {"seconds", 3600}},
        {"d", {"seconds", 86400}},     {"B", {"bytes", 1}},
        {"kB", {"bytes", 1024}},       {"MB", {"bytes", 1 << 20}},
        {"GB", {"bytes", 1 << 30}},    {"TB", {"bytes", 1099511627776.0}},
        {"1kB", {"bytes", 1024}},      {"2kB", {"bytes", 2048}},
        {"4kB", {"bytes", 4096}},      {"8kB", {"bytes", 8192}},
        {"16kB", {"bytes", 16384}},    {"32kB", {"bytes", 32768}},
        {"64kB", {"bytes", 65536}},    {"16MB", {"bytes", 16 << 20}},
        {"32MB", {"bytes", 32 << 20}}, {"64MB", {"bytes", 64 << 20}},
    };
    return kUnits;
}

std::string metric_name(std::string setting) {
    for (char& c : setting)
        if (c == '.' || c == '-') c = '_';
    return "pg_settings_" + setting;
}

class SettingsCollector : public SingleQueryCollector {
  public:
    SettingsCollector() : SingleQueryCollector("stackwatch_settings") {}

  protected:
    std::string sql(const ServerFacts&) const override {
        return "SELECT name, setting, COALESCE(unit, '') AS unit, vartype FROM pg_settings "
               "WHERE vartype IN ('bool', 'integer', 'real') "
               "AND name NOT IN ('sync_commit_cancel_wait', 'google_dataplex.max_messages')";
    }

    void add(const Row& row, const ServerFacts&, MetricSet& out) const override {
        std::string name = row["name"].c_str();
        std::string setting = row["setting"].c_str();
        std::string help = "Server Parameter: " + name;
        if (std::string_view(row["vartype"].c_str()) == "bool") {
            out.gauge(metric_name(name), help, setting == "on" ? 1 : 0);
            return;
        }
        char* end = nullptr;
        double value = std::strtod(setting.c_str(), &end);
        if (end == setting.c_str() || *end != '\0') {
            log::warn("PostgreSQL setting is not a number",
                      {{"setting", name}, {"value", setting}});
            return;
        }
        std::string_view unit_name = row["unit"].c_str();
        if (unit_name.empty()) {
            out.gauge(metric_name(name), help, value);
            return;
        }
        auto unit = units().find(unit_name);
        if (unit == units().end()) {
            log::warn("PostgreSQL setting has an unknown unit",
                      {{"setting", name}, {"unit", unit_name}});
            return;
        }
        // -1 means "disabled" or "use another setting" and stays -1, as in postgres_exporter.
        if (value != -1) value *= unit->second.factor;
        out.gauge(metric_name(name) + "_" + unit->second.suffix,
                  help + " [Units converted to " + unit->second.suffix + ".]", value);
    }
};

}  // namespace

std::unique_ptr<Collector> make_settings_collector(const PostgresOptions& options) {
    return std::make_unique<CachedCollector>(std::make_unique<SettingsCollector>(),
                                             options.slow_facts_ttl);
}

}  // namespace stackwatch::exporter::postgres
