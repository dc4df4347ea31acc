#pragma once
// Delivery from the outbox: one worker per receiver integration, so a slow or dead receiver
// delays only itself. Each entry is retried with exponential backoff and jitter within its
// attempts and age; 4xx answers are final; what runs out becomes a dead letter.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "ruler/notify/notifier.hpp"
#include "ruler/notify/notify_metrics.hpp"
#include "ruler/notify/notify_store.hpp"

namespace stackwatch::notify {

struct RetryPolicy {
    int max_attempts = 10;
    std::chrono::milliseconds max_age = std::chrono::hours(1);
    std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(500);
    std::chrono::milliseconds max_backoff = std::chrono::minutes(1);
};

class Outbox {
  public:
    // The notifier currently configured for an entry's receiver and integration; null when a
    // reload removed it (the entry is then a dead letter).
    using Lookup = std::function<std::shared_ptr<const Notifier>(const OutboxEntry&)>;
    // After an entry became a dead letter, for the notification log and the logs.
    using DeadLetter = std::function<void(const OutboxEntry&)>;

    Outbox(NotifyStore& store, NotifyMetrics& metrics, Lookup lookup, DeadLetter dead_letter,
           RetryPolicy policy = {});
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Resumes what the store still holds as pending (after a restart).
    void resume();
    // Hands over a committed entry; `superseded` entries are dropped from their queue.
    void submit(OutboxEntry entry, const std::vector<std::int64_t>& superseded);
    void stop();
    std::size_t pending() const;

  private:
    struct Worker {
        std::multimap<TimePoint, OutboxEntry> queue;  // by next attempt
        std::thread thread;
    };
    void run(Worker& worker);
    void attempt(OutboxEntry entry, std::unique_lock<std::mutex>& lock, Worker& worker);
    std::chrono::milliseconds backoff(int attempts) const;

    NotifyStore& store_;
    NotifyMetrics& metrics_;
    Lookup lookup_;
    DeadLetter dead_letter_;
    RetryPolicy policy_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::set<std::int64_t> superseded_;
    std::map<std::string, std::unique_ptr<Worker>> workers_;  // by receiver and integration
    std::size_t pending_ = 0;
};

}  // namespace stackwatch::notify
