#include "ruler/events/event_journal.hpp"

namespace stackwatch::events {

std::vector<Event> EventJournal::Subscription::take(bool& overflowed) {
    std::lock_guard lock(mutex_);
    overflowed = std::exchange(overflowed_, false);
    std::vector<Event> out(std::make_move_iterator(queue_.begin()),
                           std::make_move_iterator(queue_.end()));
    queue_.clear();
    return out;
}

bool EventJournal::Subscription::ready() const {
    std::lock_guard lock(mutex_);
    return overflowed_ || !queue_.empty();
}

void EventJournal::Subscription::on_ready(std::function<void()> wake) {
    std::lock_guard lock(mutex_);
    wake_ = std::move(wake);
}

EventJournal::EventJournal(std::size_t history, std::size_t queue_limit, std::size_t history_bytes)
    : history_limit_(history),
      queue_limit_(queue_limit),
      history_bytes_limit_(history_bytes),
      next_id_(static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::system_clock::now().time_since_epoch())
                                              .count())) {}

std::uint64_t EventJournal::publish(const std::string& type, const nlohmann::json& data) {
    Event event{0, type, data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
    std::vector<std::function<void()>> wakes;
    std::uint64_t id = 0;
    {
        std::lock_guard lock(mutex_);
        id = event.id = next_id_++;
        history_.push_back(event);
        history_bytes_ += event.data.size();
        // The newest event stays even when it alone is over the byte limit.
        while (history_.size() > 1 &&
               (history_.size() > history_limit_ || history_bytes_ > history_bytes_limit_)) {
            history_bytes_ -= history_.front().data.size();
            history_.pop_front();
        }
        wakes.reserve(subscriptions_.size());
        for (const auto& s : subscriptions_) {
            std::lock_guard queue_lock(s->mutex_);
            if (s->overflowed_) continue;  // it starts again from a snapshot anyway
            if (s->queue_.size() >= queue_limit_) {
                s->queue_.clear();
                s->overflowed_ = true;
            } else {
                s->queue_.push_back(event);
            }
            if (s->wake_) wakes.push_back(s->wake_);
        }
    }
    for (const auto& wake : wakes) wake();
    return id;
}

EventJournal::Start EventJournal::subscribe(std::optional<std::uint64_t> after) {
    Start start;
    start.subscription = std::make_shared<Subscription>();
    std::lock_guard lock(mutex_);
    start.last_id = next_id_ - 1;
    if (after && *after <= start.last_id) {
        // Resumable when the ring still holds the event right after the client's last one.
        std::uint64_t first_held = history_.empty() ? next_id_ : history_.front().id;
        if (*after + 1 >= first_held) {
            std::vector<Event> replay;
            for (const auto& e : history_)
                if (e.id > *after) replay.push_back(e);
            start.replay = std::move(replay);
        }
    }
    subscriptions_.insert(start.subscription);
    return start;
}

void EventJournal::unsubscribe(const std::shared_ptr<Subscription>& subscription) {
    std::lock_guard lock(mutex_);
    subscriptions_.erase(subscription);
}

std::uint64_t EventJournal::last_id() const {
    std::lock_guard lock(mutex_);
    return next_id_ - 1;
}

std::size_t EventJournal::subscribers() const {
    std::lock_guard lock(mutex_);
    return subscriptions_.size();
}

}  // namespace stackwatch::events
