#include "ruler/scrape/scrape_manager.hpp"

#include <algorithm>

#include "common/logging.hpp"

namespace stackwatch::scrape {

ScrapeManager::ScrapeManager(storage::MemoryStore& store) : store_(store) {}

ScrapeManager::~ScrapeManager() {
    stop();
}

void ScrapeManager::apply(const std::vector<ScrapeConfig>& configs) {
    std::map<std::string, Target> wanted;
    for (const auto& config : configs) {
        auto shared = std::make_shared<const ScrapeConfig>(config);
        for (auto& target : targets_of(shared)) wanted.emplace(target.key(), std::move(target));
    }

    std::lock_guard serial(apply_mutex_);
    // A target whose job settings changed restarts as a new loop: its old series end first.
    std::vector<std::unique_ptr<ScrapeLoop>> retired;
    {
        std::lock_guard lock(mutex_);
        for (auto it = loops_.begin(); it != loops_.end();) {
            auto found = wanted.find(it->first);
            if (found != wanted.end() && *found->second.config == *it->second->target().config) {
                wanted.erase(found);
                ++it;
                continue;
            }
            retired.push_back(std::move(it->second));
            it = loops_.erase(it);
        }
    }
    const std::size_t stopped = retired.size();
    retire(std::move(retired), true);

    std::size_t running = 0;
    {
        std::lock_guard lock(mutex_);
        for (auto& [key, target] : wanted) {
            auto loop = std::make_unique<ScrapeLoop>(std::move(target), store_);
            loop->start();
            loops_.emplace(key, std::move(loop));
        }
        running = loops_.size();
    }
    log::info("scrape targets applied",
              {{"targets", running}, {"jobs", configs.size()}, {"stopped", stopped}});
}

void ScrapeManager::stop() {
    std::lock_guard serial(apply_mutex_);
    std::vector<std::unique_ptr<ScrapeLoop>> all;
    {
        std::lock_guard lock(mutex_);
        for (auto& [key, loop] : loops_) all.push_back(std::move(loop));
        loops_.clear();
    }
    retire(std::move(all), false);
}

void ScrapeManager::retire(std::vector<std::unique_ptr<ScrapeLoop>> loops, bool mark_stale) {
    for (auto& loop : loops) loop->request_stop();
    for (auto& loop : loops) loop->stop(mark_stale);
}

std::vector<TargetStatus> ScrapeManager::targets() const {
    std::vector<TargetStatus> out;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [key, loop] : loops_) out.push_back(loop->status());
    }
    std::sort(out.begin(), out.end(), [](const TargetStatus& a, const TargetStatus& b) {
        return std::tie(a.target.config->job_name, a.target.url) <
               std::tie(b.target.config->job_name, b.target.url);
    });
    return out;
}

nlohmann::json ScrapeManager::targets_json() const {
    nlohmann::json active = nlohmann::json::array();
    for (const auto& status : targets()) active.push_back(status.to_json());
    return {{"activeTargets", active}, {"droppedTargets", nlohmann::json::array()}};
}

void ScrapeManager::truncate(std::chrono::milliseconds keep) {
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    store_.truncate_before((now - keep).count());
}

}  // namespace stackwatch::scrape
