#include "common/http_server.hpp"

namespace stackwatch::http {

Waiter::Waiter(WaitSet& set) : set_(set) {
    std::lock_guard lock(set_.mutex_);
    set_.waiters_.push_back(this);
}

Waiter::~Waiter() {
    std::lock_guard lock(set_.mutex_);
    std::erase(set_.waiters_, this);
}

void Waiter::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& done) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, done);
}

void Waiter::notify() {
    // Taking the lock orders this wake-up after a waiter's check of done(), so none is lost.
    { std::lock_guard lock(mutex_); }
    cv_.notify_all();
}

void WaitSet::wake_all() {
    std::lock_guard lock(mutex_);
    for (auto* waiter : waiters_) waiter->notify();
}

EventStream::EventStream(StreamChannel& channel, const std::atomic<bool>& stopping, WaitSet& waits)
    : channel_(channel), stopping_(stopping), waiter_(waits) {}

bool EventStream::write_raw(std::string chunk) {
    if (!open()) return false;
    if (!channel_.write(std::move(chunk))) failed_ = true;
    return !failed_;
}

bool EventStream::send(std::string_view event, std::string_view data, std::string_view id) {
    std::string frame;
    if (!id.empty()) frame.append("id: ").append(id).append("\n");
    if (!event.empty()) frame.append("event: ").append(event).append("\n");
    frame.append("data: ").append(data).append("\n\n");
    return write_raw(frame);
}

bool EventStream::heartbeat() {
    return write_raw(": heartbeat\n\n");
}

bool EventStream::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
    waiter_.wait_for(timeout, [&] { return stopping_.load() || ready(); });
    return ready();
}

void EventStream::notify() {
    waiter_.notify();
}

WebSocket::WebSocket(StreamChannel& channel, const std::atomic<bool>& stopping, WaitSet& waits)
    : channel_(channel), stopping_(stopping), waiter_(waits) {}

bool WebSocket::send_text(std::string_view text) {
    if (!open()) return false;
    if (!channel_.write(std::string(text))) closed_ = true;
    return !closed_;
}

bool WebSocket::open() const {
    return !closed_ && !stopping_.load();
}

bool WebSocket::wait_for(std::chrono::milliseconds timeout, const std::function<bool()>& ready) {
    waiter_.wait_for(timeout, [&] { return !open() || ready(); });
    return ready();
}

void WebSocket::notify() {
    waiter_.notify();
}

void WebSocket::close() {
    closed_ = true;
    notify();
}

}  // namespace stackwatch::http
