#pragma once
// A scrape target: one address of a static config, with the labels its samples get, as
// Prometheus's scrape/target.go derives them (job, instance, the static labels).

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "ruler/promql/value.hpp"
#include "ruler/scrape/scrape_config.hpp"

namespace stackwatch::scrape {

struct Target {
    std::shared_ptr<const ScrapeConfig> config;
    std::string address;
    std::string url;
    // Before label processing, as /api/v1/targets shows them: __address__, __scheme__, ...
    promql::Labels discovered_labels;
    // What every scraped sample carries: the discovered labels without the __ ones.
    promql::Labels labels;

    // Same key across config reloads means the same target, so its loop keeps running.
    std::string key() const { return url + labels.to_string(); }
};

// The targets of every static config of a job, without duplicates, in config order.
std::vector<Target> targets_of(const std::shared_ptr<const ScrapeConfig>& config);

// How long to wait for the first scrape. Like Prometheus, each target gets a fixed slot within
// the interval from its hash, so targets spread out instead of all scraping at once.
std::chrono::milliseconds first_scrape_delay(const Target& target,
                                             std::chrono::system_clock::time_point now);

}  // namespace stackwatch::scrape
