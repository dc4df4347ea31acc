#include "ruler/notify/outbox.hpp"

#include <random>

#include "common/failure_report.hpp"
#include "common/logging.hpp"
#include "common/thread_name.hpp"

namespace stackwatch::notify {
namespace {

// "webhook[0]" -> "webhook": metrics count per kind of integration, as Alertmanager's do.
std::string integration_kind(const std::string& integration) {
    return integration.substr(0, integration.find('['));
}

std::string worker_key(const OutboxEntry& entry) {
    return entry.receiver + '\x1f' + entry.integration;
}

}  // namespace

Outbox::Outbox(NotifyStore& store, NotifyMetrics& metrics, Lookup lookup, DeadLetter dead_letter,
               std::size_t max_in_flight)
    : store_(store),
      metrics_(metrics),
      lookup_(std::move(lookup)),
      dead_letter_(std::move(dead_letter)),
      max_in_flight_(std::max<std::size_t>(1, max_in_flight)) {}

Outbox::~Outbox() {
    stop();
}

void Outbox::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        for (auto& [key, worker] : workers_) worker->wake.notify_all();
    }
    // Workers are only added under the lock while not stopping, so the map is final here.
    for (auto& [key, worker] : workers_)
        for (auto& thread : worker->threads)
            if (thread.joinable()) thread.join();
}

void Outbox::resume() {
    for (auto& entry : store_.pending()) submit(std::move(entry), {});
}

void Outbox::submit(OutboxEntry entry, const std::vector<std::int64_t>& superseded) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;  // still pending in the store: the next start resumes it
        for (auto id : superseded) superseded_.insert(id);
        auto& worker = workers_[worker_key(entry)];
        if (!worker) worker = std::make_unique<Worker>();
        auto at = entry.next_attempt_at;
        worker->queue.emplace(at, std::move(entry));
        grow_if_busy(*worker);
        ++pending_;
        metrics_.set_outbox_pending(static_cast<double>(pending_));
        worker->wake.notify_one();
    }
}

std::size_t Outbox::pending() const {
    std::lock_guard lock(mutex_);
    return pending_;
}

std::chrono::milliseconds Outbox::backoff(int attempts, const RetryPolicy& policy) {
    static thread_local std::mt19937 random{std::random_device{}()};
    auto delay = policy.initial_backoff;
    for (int i = 1; i < attempts && delay < policy.max_backoff; ++i) delay *= 2;
    delay = std::min(delay, policy.max_backoff);
    // Half fixed, half random: retries of many notifications after one outage spread out.
    std::uniform_int_distribution<long long> jitter(0, delay.count() / 2);
    return std::chrono::milliseconds(delay.count() / 2 + jitter(random));
}

void Outbox::grow_if_busy(Worker& worker) {
    // Each thread that sends holds one log key in `sending`.
    bool all_busy = worker.sending.size() >= worker.threads.size();
    bool due = !worker.queue.empty() && worker.queue.begin()->first <= Clock::now();
    // The first thread also waits for entries that are not due yet.
    if (worker.threads.empty() || (all_busy && due && worker.threads.size() < max_in_flight_))
        worker.threads.emplace_back([this, &worker] { run(worker); });
}

std::multimap<TimePoint, OutboxEntry>::iterator Outbox::next_due(Worker& worker, TimePoint now,
                                                                 TimePoint& wake_at) {
    wake_at = TimePoint::max();
    for (auto it = worker.queue.begin(); it != worker.queue.end(); ++it) {
        if (it->first > now) {
            wake_at = it->first;
            break;
        }
        if (!worker.sending.contains(it->second.log_key)) return it;
    }
    return worker.queue.end();
}

void Outbox::run(Worker& worker) {
    name_this_thread("notify-send");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        TimePoint wake_at;
        auto due = next_due(worker, Clock::now(), wake_at);
        if (due == worker.queue.end()) {
            // An entry held back because its group is being sent is taken by the thread sending
            // it, once that attempt ends; nobody else needs waking for it.
            if (wake_at == TimePoint::max())
                worker.wake.wait(lock);
            else
                worker.wake.wait_until(lock, wake_at);
            continue;
        }
        OutboxEntry entry = std::move(due->second);
        worker.queue.erase(due);
        if (superseded_.erase(entry.id) > 0) {
            --pending_;
            metrics_.set_outbox_pending(static_cast<double>(pending_));
            continue;
        }
        worker.sending.insert(entry.log_key);
        grow_if_busy(worker);
        attempt(std::move(entry), lock, worker);
    }
}

void Outbox::attempt(OutboxEntry entry, std::unique_lock<std::mutex>& lock, Worker& worker) {
    lock.unlock();
    auto kind = integration_kind(entry.integration);
    auto [notifier, policy] = lookup_(entry);
    DeliveryResult result;
    auto started = Clock::now();
    if (notifier) {
        metrics_.attempted(kind);
        result = notifier->deliver(entry.payload, entry.idempotency_key);
    } else {
        result.error = "receiver " + entry.receiver + " has no " + entry.integration + " any more";
    }
    auto now = Clock::now();
    ++entry.attempts;
    bool finished = true;
    if (result.ok) {
        store_.delivered(entry.id, entry.attempts);
        metrics_.delivered(kind, std::chrono::duration<double>(now - started).count());
    } else {
        if (notifier) metrics_.failed(kind, result.retry ? "retryable" : "final");
        report_failure({.fingerprint = "external:notify:" + kind,
                        .type = "NotificationError",
                        .message = result.error,
                        .context = {{"receiver", entry.receiver},
                                    {"integration", entry.integration},
                                    {"attempts", entry.attempts}}});
        bool again = result.retry && entry.attempts < policy.max_attempts &&
                     now - entry.created_at < policy.max_age;
        log::warn(again ? "notification failed, will retry" : "notification failed, giving up",
                  {{"receiver", entry.receiver},
                   {"integration", entry.integration},
                   {"attempts", entry.attempts},
                   {"error", result.error},
                   {"groupKey", entry.group_key}});
        if (again) {
            auto wait = backoff(entry.attempts, policy);
            if (result.retry_after) wait = std::max(wait, *result.retry_after);
            entry.next_attempt_at = now + wait;
            entry.last_error = result.error;
            store_.retry_later(entry.id, entry.attempts, entry.next_attempt_at, result.error);
            finished = false;
        } else if (store_.dead_letter(entry.id, entry.attempts, result.error)) {
            metrics_.dead_letter(kind);
            if (dead_letter_) dead_letter_(entry);
        }
    }
    lock.lock();
    worker.sending.erase(entry.log_key);
    if (finished) {
        --pending_;
    } else {
        auto at = entry.next_attempt_at;
        worker.queue.emplace(at, std::move(entry));
    }
    metrics_.set_outbox_pending(static_cast<double>(pending_));
}

}  // namespace stackwatch::notify
