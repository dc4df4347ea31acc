#include "ruler/scrape/target.hpp"

#include <functional>
#include <set>

namespace stackwatch::scrape {
namespace {

std::string scrape_url(const ScrapeConfig& config, const std::string& address) {
    std::vector<std::pair<std::string, std::string>> params;
    for (const auto& [name, values] : config.params)
        for (const auto& value : values) params.emplace_back(name, value);
    std::string url = config.scheme + "://" + address + config.metrics_path;
    if (!params.empty())
        url += (url.find('?') == std::string::npos ? "?" : "&") + encode_query(params);
    return url;
}

promql::Labels discovered_labels(const ScrapeConfig& config, const StaticConfig& group,
                                 const std::string& address) {
    promql::Labels labels;
    for (const auto& [name, value] : group.labels) labels.set(name, value);
    labels.set("__address__", address);
    // A static label may override these, as in Prometheus's populateLabels.
    auto set_default = [&labels](std::string_view name, const std::string& value) {
        if (!labels.has(name)) labels.set(name, value);
    };
    set_default("job", config.job_name);
    set_default("__metrics_path__", config.metrics_path);
    set_default("__scheme__", config.scheme);
    set_default("__scrape_interval__", format_duration(config.scrape_interval));
    set_default("__scrape_timeout__", format_duration(config.scrape_timeout));
    for (const auto& [name, values] : config.params)
        if (!values.empty()) set_default("__param_" + name, values.front());
    return labels;
}

promql::Labels target_labels(const promql::Labels& discovered, const std::string& address) {
    std::vector<promql::Label> kept;
    for (const auto& label : discovered)
        if (!label.name.starts_with("__")) kept.push_back(label);
    promql::Labels labels(std::move(kept));
    if (!labels.has("instance")) labels.set("instance", address);
    return labels;
}

}  // namespace

std::vector<Target> targets_of(const std::shared_ptr<const ScrapeConfig>& config) {
    std::vector<Target> targets;
    std::set<std::string> seen;
    for (const auto& group : config->static_configs) {
        for (const auto& address : group.targets) {
            Target target{config,
                          address,
                          scrape_url(*config, address),
                          discovered_labels(*config, group, address),
                          {}};
            target.labels = target_labels(target.discovered_labels, address);
            if (seen.insert(target.key()).second) targets.push_back(std::move(target));
        }
    }
    return targets;
}

std::chrono::milliseconds first_scrape_delay(const Target& target,
                                             std::chrono::system_clock::time_point now) {
    using std::chrono::milliseconds;
    const std::int64_t interval = target.config->scrape_interval.count();
    const std::int64_t now_ms =
        std::chrono::duration_cast<milliseconds>(now.time_since_epoch()).count();
    const std::uint64_t hash = target.labels.hash() ^ std::hash<std::string>{}(target.url);
    // The next interval boundary, then this target's slot after it (target.go's offset()).
    std::int64_t next = interval - now_ms % interval + static_cast<std::int64_t>(hash % interval);
    if (next > interval) next -= interval;
    return milliseconds(next);
}

}  // namespace stackwatch::scrape
