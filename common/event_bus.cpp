#include "common/event_bus.hpp"

namespace stackwatch {

void EventBus::publish(const std::string& type, const nlohmann::json& data) {
    std::lock_guard lock(mutex_);
    for (const auto& subscription : subscriptions_) {
        {
            std::lock_guard queue_lock(subscription->mutex_);
            if (subscription->queue_.size() >= queue_limit_) {
                subscription->queue_.pop_front();
                ++subscription->dropped_;
            }
            subscription->queue_.push_back({type, data});
        }
        if (subscription->stream_ != nullptr) subscription->stream_->notify();
    }
}

std::shared_ptr<EventBus::Subscription> EventBus::subscribe() {
    auto subscription = std::make_shared<Subscription>();
    std::lock_guard lock(mutex_);
    subscriptions_.insert(subscription);
    return subscription;
}

void EventBus::unsubscribe(const std::shared_ptr<Subscription>& subscription) {
    std::lock_guard lock(mutex_);
    subscriptions_.erase(subscription);
}

std::size_t EventBus::subscribers() const {
    std::lock_guard lock(mutex_);
    return subscriptions_.size();
}

std::optional<Event> EventBus::Subscription::pop() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return std::nullopt;
    Event event = std::move(queue_.front());
    queue_.pop_front();
    return event;
}

void EventBus::serve(http::EventStream& stream, std::chrono::milliseconds heartbeat) {
    auto subscription = subscribe();
    {
        std::lock_guard lock(mutex_);
        subscription->stream_ = &stream;
    }
    auto has_event = [&] {
        std::lock_guard lock(subscription->mutex_);
        return !subscription->queue_.empty();
    };
    bool alive = stream.send("connected", {{"subscribers", subscribers()}});
    while (alive && stream.open()) {
        if (stream.wait_for(heartbeat, has_event)) {
            while (alive) {
                auto event = subscription->pop();
                if (!event) break;
                alive = stream.send(event->type, event->data);
            }
        } else {
            alive = stream.heartbeat();
        }
    }
    {
        std::lock_guard lock(mutex_);
        subscription->stream_ = nullptr;
    }
    unsubscribe(subscription);
}

}  // namespace stackwatch
