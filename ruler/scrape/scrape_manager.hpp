#pragma once
// All scrape loops of a configuration. apply() reconciles the running loops with a (re)loaded
// configuration the way Prometheus's scrape manager does: unchanged targets keep scraping,
// removed ones stop and their series get staleness markers, new ones start.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ruler/scrape/scrape_config.hpp"
#include "ruler/scrape/scrape_loop.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::scrape {

class ScrapeManager {
  public:
    explicit ScrapeManager(storage::MemoryStore& store);  // the store must outlive the manager
    ~ScrapeManager();
    ScrapeManager(const ScrapeManager&) = delete;
    ScrapeManager& operator=(const ScrapeManager&) = delete;

    void apply(const std::vector<ScrapeConfig>& configs);
    // Stops every loop (no staleness markers: the process is going away with its store).
    void stop();

    // By job, then URL.
    std::vector<TargetStatus> targets() const;
    // The data of Prometheus's /api/v1/targets: {"activeTargets": [...], "droppedTargets": []}.
    nlohmann::json targets_json() const;

    // Drops samples older than `keep` before now: the ruler passes its largest rule range plus
    // the lookback, so the store holds just what the rules can read.
    void truncate(std::chrono::milliseconds keep);

  private:
    // Stops loops outside mutex_: a loop mid-request may take up to its scrape_timeout, and the
    // targets API must not wait for that.
    void retire(std::vector<std::unique_ptr<ScrapeLoop>> loops, bool mark_stale);

    storage::MemoryStore& store_;
    std::mutex apply_mutex_;    // one reconciliation at a time
    mutable std::mutex mutex_;  // the loop table, against the status readers
    std::map<std::string, std::unique_ptr<ScrapeLoop>> loops_;  // by Target::key()
};

}  // namespace stackwatch::scrape
