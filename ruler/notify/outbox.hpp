#pragma once
// Delivery from the outbox: workers of their own for each receiver integration, so a slow or
// dead receiver delays only itself. Up to max_in_flight notifications of one integration are
// sent at once (Alertmanager sends each aggregation group on its own), but one group's
// notifications go out in the order they were made. Each entry is retried with exponential
// backoff and jitter within its attempts and age; 4xx answers are final; what runs out becomes a
// dead letter.

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
#include "ruler/notify/retry_policy.hpp"

namespace stackwatch::notify {

class Outbox {
  public:
    // The notifier currently configured for an entry's receiver and integration (null when a
    // reload removed it: the entry is then a dead letter), and that receiver's retry policy.
    struct Target {
        std::shared_ptr<const Notifier> notifier;
        RetryPolicy policy;
    };
    using Lookup = std::function<Target(const OutboxEntry&)>;
    // After an entry became a dead letter, for the notification log and the logs.
    using DeadLetter = std::function<void(const OutboxEntry&)>;

    static constexpr std::size_t kMaxInFlight = 16;  // per integration
    Outbox(NotifyStore& store, NotifyMetrics& metrics, Lookup lookup, DeadLetter dead_letter,
           std::size_t max_in_flight = kMaxInFlight);
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
        std::set<std::string> sending;                // log keys with an attempt under way
        std::vector<std::thread> threads;             // grown while all are busy
        std::condition_variable wake;
    };
    // A first thread, or another when every thread is sending and an entry is due, up to
    // max_in_flight.
    void grow_if_busy(Worker& worker);
    void run(Worker& worker);
    // The first entry due whose group is not being sent; queue.end() when none is.
    std::multimap<TimePoint, OutboxEntry>::iterator next_due(Worker& worker, TimePoint now,
                                                             TimePoint& wake_at);
    void attempt(OutboxEntry entry, std::unique_lock<std::mutex>& lock, Worker& worker);
    static std::chrono::milliseconds backoff(int attempts, const RetryPolicy& policy);

    NotifyStore& store_;
    NotifyMetrics& metrics_;
    Lookup lookup_;
    DeadLetter dead_letter_;
    std::size_t max_in_flight_;
    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::set<std::int64_t> superseded_;
    std::map<std::string, std::unique_ptr<Worker>> workers_;  // by receiver and integration
    std::size_t pending_ = 0;
};

}  // namespace stackwatch::notify
