#include "ruler/errors/error_tracker.hpp"

#include "common/logging.hpp"
#include "common/thread_name.hpp"
#include "common/uuid.hpp"
#include "ruler/errors/error_json.hpp"
#include "ruler/errors/fingerprint.hpp"

namespace stackwatch::errors {
namespace {

constexpr std::size_t kMaxEventsPerTransaction = 5000;
constexpr auto kRetentionEvery = std::chrono::minutes(10);

}  // namespace

ErrorTracker::ErrorTracker(TrackerOptions options, prometheus::Registry& registry)
    : options_(std::move(options)),
      store_(options_.path, options_.limits),
      metrics_(registry),
      rules_(std::make_shared<const FingerprintRules>()),
      writer_([this] { write_loop(); }) {}

ErrorTracker::~ErrorTracker() {
    stop();
}

void ErrorTracker::stop() {
    {
        std::lock_guard lock(queue_mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    queue_wake_.notify_all();
    if (writer_.joinable()) writer_.join();
}

void ErrorTracker::set_rules(FingerprintRules rules) {
    auto shared = std::make_shared<const FingerprintRules>(std::move(rules));
    std::lock_guard lock(rules_mutex_);
    rules_ = std::move(shared);
}

void ErrorTracker::set_retention(Duration retention, StoreLimits limits) {
    {
        std::lock_guard lock(queue_mutex_);
        options_.retention = retention;
    }
    store_.set_limits(limits);
}

void ErrorTracker::listen(GroupListener listener) {
    listeners_.push_back(std::move(listener));
}

void ErrorTracker::group(ErrorEvent& event) const {
    std::shared_ptr<const FingerprintRules> rules;
    {
        std::lock_guard lock(rules_mutex_);
        rules = rules_;
    }
    rules->apply(event);
}

bool ErrorTracker::enqueue(Batch batch) {
    {
        std::lock_guard lock(queue_mutex_);
        if (stopping_ || queued_events_ + batch.events.size() > options_.max_queued) return false;
        queued_events_ += batch.events.size();
        queue_.push_back(std::move(batch));
    }
    queue_wake_.notify_one();
    return true;
}

IntakeResult ErrorTracker::ingest(std::vector<ErrorEvent> events, const std::string& source) {
    IntakeResult result;
    for (auto& event : events) {
        event.source = source;
        if (event.frames.empty() && !event.stack.empty()) event.frames = parse_stack(event.stack);
        group(event);
        result.ids.push_back(event.id);
        result.fingerprints.push_back(event.fingerprint);
    }
    std::vector<std::string> records;
    records.reserve(events.size());
    for (const auto& event : events) records.push_back(event_record(event));
    Batch batch{std::move(events), std::move(records), std::promise<std::string>()};
    auto committed = batch.committed->get_future();
    if (!enqueue(std::move(batch))) {
        metrics_.refused("busy");
        return {IntakeStatus::busy, {}, {}, "the error intake is full; retry later"};
    }
    if (committed.wait_for(options_.commit_timeout) != std::future_status::ready) {
        metrics_.refused("store_failed");
        // It may still be written: a retry with the same ids is not stored twice.
        return {IntakeStatus::store_failed, {}, {}, "the error store is slow to commit"};
    }
    if (auto error = committed.get(); !error.empty()) {
        metrics_.refused("store_failed");
        return {IntakeStatus::store_failed, {}, {}, "the error store failed: " + error};
    }
    return result;
}

void ErrorTracker::report(const Failure& failure) {
    ErrorEvent event;
    event.id = random_uuid();
    event.timestamp = Clock::now();
    event.type = failure.type;
    event.message = failure.message;
    event.level = failure.level;
    event.service = "stackwatch";
    event.context = failure.context;
    event.source = "stackwatch";
    event.fingerprint_parts = {failure.fingerprint};
    group(event);
    std::vector<std::string> records{event_record(event)};
    std::vector<ErrorEvent> events;
    events.push_back(std::move(event));
    if (!enqueue({std::move(events), std::move(records), std::nullopt}))
        metrics_.dropped("queue_full");
}

std::vector<ErrorGroup> ErrorTracker::set_status(const Glob& fingerprint, GroupStatus status) {
    auto changed = store_.set_status(fingerprint, status, Clock::now());
    for (const auto& g : changed)
        for (const auto& listener : listeners_) listener(status_name(status), g);
    return changed;
}

std::size_t ErrorTracker::expire_now() {
    Duration retention;
    {
        std::lock_guard lock(queue_mutex_);
        retention = options_.retention;
    }
    return store_.expire(Clock::now() - retention);
}

void ErrorTracker::write_loop() {
    name_this_thread("error-writer");
    auto next_retention = std::chrono::steady_clock::now();
    std::unique_lock lock(queue_mutex_);
    while (true) {
        queue_wake_.wait_until(lock, next_retention,
                               [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty() && stopping_) return;
        if (std::chrono::steady_clock::now() >= next_retention) {
            lock.unlock();
            try {
                if (auto dropped = expire_now(); dropped > 0)
                    log::info("error retention", {{"dropped", dropped}});
            } catch (const std::exception& e) {
                log::error("error retention failed", {{"error", e.what()}});
            }
            next_retention = std::chrono::steady_clock::now() + kRetentionEvery;
            lock.lock();
            continue;
        }
        std::vector<Batch> batches;
        std::size_t events = 0;
        while (!queue_.empty() && (batches.empty() || events + queue_.front().events.size() <=
                                                          kMaxEventsPerTransaction)) {
            events += queue_.front().events.size();
            batches.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        queued_events_ -= events;
        lock.unlock();
        write(batches);
        lock.lock();
    }
}

void ErrorTracker::write(std::vector<Batch>& batches) {
    std::vector<ErrorEvent> all;
    std::vector<std::string> records;
    for (auto& batch : batches) {
        for (auto& event : batch.events) all.push_back(std::move(event));
        for (auto& record : batch.records) records.push_back(std::move(record));
    }
    std::string error;
    WriteResult result;
    try {
        result = store_.write(all, records);
    } catch (const std::exception& e) {
        error = e.what();
        log::error("storing tracked errors failed", {{"error", error}, {"events", all.size()}});
    }
    // Told before the senders hear back: whoever got an answer can already see the event.
    if (error.empty()) {
        for (auto index : result.stored_indexes)
            metrics_.stored(all[index].type, all[index].fingerprint);
        for (const auto& g : result.opened)
            for (const auto& listener : listeners_) listener("new", g);
        for (const auto& g : result.regressed)
            for (const auto& listener : listeners_) listener("regressed", g);
    }
    for (auto& batch : batches)
        if (batch.committed) batch.committed->set_value(error);
}

}  // namespace stackwatch::errors
