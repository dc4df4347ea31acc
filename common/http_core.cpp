#include "common/http_core.hpp"

#include <thread>
#include <vector>

#include "common/logging.hpp"
#include "common/thread_name.hpp"

namespace stackwatch::http {

bool ConnectionLimits::admit(const std::string& client) {
    std::lock_guard lock(mutex_);
    auto& from_client = by_client_[client];
    if (open_ >= total_ || from_client >= per_client_) {
        if (from_client == 0) by_client_.erase(client);
        return false;
    }
    ++open_;
    ++from_client;
    return true;
}

void ConnectionLimits::release(const std::string& client) {
    std::lock_guard lock(mutex_);
    --open_;
    auto it = by_client_.find(client);
    if (it != by_client_.end() && --it->second == 0) by_client_.erase(it);
}

std::size_t ConnectionLimits::open() const {
    std::lock_guard lock(mutex_);
    return open_;
}

void Core::enlist(Connection* connection) {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(connection);
}

void Core::discharge(Connection* connection) {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
}

void Core::shut_all() {
    std::vector<std::shared_ptr<Connection>> open;
    {
        std::lock_guard lock(connections_mutex_);
        for (auto* connection : connections_)
            // One whose last owner is going away is closing anyway.
            if (auto alive = connection->weak_from_this().lock()) open.push_back(std::move(alive));
    }
    // Outside the lock: the last owner of one may be this list, and its end discharges it.
    for (const auto& connection : open) connection->shut();
}

void Core::run_detached(std::function<void()> body) {
    {
        std::lock_guard lock(detached_mutex_);
        ++detached_running_;
    }
    std::thread([this, body = std::move(body)]() mutable {
        name_this_thread("http-stream");
        try {
            body();
        } catch (const std::exception& e) {
            log::error("stream handler failed", {{"error", e.what()}});
        }
        body = nullptr;  // what it holds refers to this Core, which may go once the count is 0
        std::lock_guard lock(detached_mutex_);
        --detached_running_;
        detached_done_.notify_all();
    }).detach();
}

void Core::wait_detached() {
    std::unique_lock lock(detached_mutex_);
    detached_done_.wait(lock, [&] { return detached_running_ == 0; });
}

std::string client_address(const asio::ip::address& address) {
    if (address.is_v6() && address.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
    return address.to_string();
}

}  // namespace stackwatch::http
