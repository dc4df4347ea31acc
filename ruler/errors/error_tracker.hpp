#pragma once
// Error tracking's intake: every source hands its occurrences here. They are grouped (the
// fingerprint rules, else the sender's fingerprint, else the default), queued, and written by one
// thread in batches, so a burst costs the HTTP threads a queue push and the disk one transaction
// per batch. ingest() returns once its occurrences are committed: what it reports stored
// survives a kill. A full queue refuses at once; a disk error refuses the batch it hit.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "common/config.hpp"
#include "common/failure_report.hpp"
#include "ruler/errors/error_metrics.hpp"
#include "ruler/errors/error_store.hpp"
#include "ruler/errors/fingerprint_rules.hpp"

namespace stackwatch::errors {

struct TrackerOptions {
    std::string path;  // the sqlite file; ":memory:" keeps nothing across a restart
    StoreLimits limits;
    Duration retention{std::chrono::hours(24 * 30)};
    std::size_t max_queued = 100'000;  // occurrences waiting for the writer
    std::chrono::milliseconds commit_timeout{10'000};
};

enum class IntakeStatus { stored, busy, store_failed };

struct IntakeResult {
    IntakeStatus status = IntakeStatus::stored;
    std::vector<std::string> ids;  // the occurrences' ids, in the order given
    std::vector<std::string> fingerprints;
    std::string error;  // why, when not stored
};

// "new" for a fingerprint seen for the first time, "regressed" for a resolved one that recurs,
// and the status names when someone changes a group's status.
using GroupListener = std::function<void(const std::string& transition, const ErrorGroup&)>;

class ErrorTracker {
  public:
    ErrorTracker(TrackerOptions options, prometheus::Registry& registry);
    ~ErrorTracker();
    ErrorTracker(const ErrorTracker&) = delete;
    ErrorTracker& operator=(const ErrorTracker&) = delete;
    void stop();

    void set_rules(FingerprintRules rules);
    void set_retention(Duration retention, StoreLimits limits);
    void listen(GroupListener listener);  // before the first occurrence

    // Groups the occurrences (source: api, sentry, log) and waits for their commit.
    IntakeResult ingest(std::vector<ErrorEvent> events, const std::string& source);
    // stackwatch's own failure: queued without waiting, dropped and counted when the queue is full.
    void report(const Failure& failure);

    std::vector<ErrorGroup> set_status(const Glob& fingerprint, GroupStatus status);
    const ErrorStore& store() const { return store_; }
    // Runs retention now (it also runs every ten minutes); returns the occurrences dropped.
    std::size_t expire_now();

  private:
    struct Batch {
        std::vector<ErrorEvent> events;
        std::vector<std::string> records;  // event_record() of each, made by the sender's thread
        std::optional<std::promise<std::string>> committed;  // error text, empty when stored
    };
    bool enqueue(Batch batch);
    void write_loop();
    void write(std::vector<Batch>& batches);
    void group(ErrorEvent& event) const;

    TrackerOptions options_;
    ErrorStore store_;
    ErrorMetrics metrics_;
    mutable std::mutex rules_mutex_;
    std::shared_ptr<const FingerprintRules> rules_;
    std::vector<GroupListener> listeners_;

    std::mutex queue_mutex_;
    std::condition_variable queue_wake_;
    std::deque<Batch> queue_;
    std::size_t queued_events_ = 0;
    bool stopping_ = false;
    std::thread writer_;
};

}  // namespace stackwatch::errors
