#pragma once
// Fan-out of live events (alerts, health changes, errors) to server-sent-event subscribers.
// Each subscriber has a bounded queue: a slow client loses its oldest events, never blocks
// the publisher.

#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "common/http_server.hpp"

namespace stackwatch {

struct Event {
    std::string type;
    nlohmann::json data;
};

class EventBus : public std::enable_shared_from_this<EventBus> {
public:
    class Subscription;

    explicit EventBus(std::size_t queue_limit = 256) : queue_limit_(queue_limit) {}
    void publish(const std::string& type, const nlohmann::json& data);
    std::shared_ptr<Subscription> subscribe();
    std::size_t subscribers() const;

    // Streams events to one SSE client until it disconnects or the server stops, with a comment
    // line every heartbeat so proxies keep the connection and dead clients are noticed.
    void serve(http::EventStream& stream, std::chrono::milliseconds heartbeat);

    class Subscription {
    public:
        std::optional<Event> pop();
        std::size_t dropped() const { return dropped_; }

    private:
        friend class EventBus;
        std::mutex mutex_;
        std::deque<Event> queue_;
        std::size_t dropped_ = 0;
        http::EventStream* stream_ = nullptr;
    };

private:
    void unsubscribe(const std::shared_ptr<Subscription>& subscription);
    std::size_t queue_limit_;
    mutable std::mutex mutex_;
    std::set<std::shared_ptr<Subscription>> subscriptions_;
};

}  // namespace stackwatch
