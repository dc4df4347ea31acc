#include "exporter/postgres/socket_watchdog.hpp"

#include <sys/socket.h>

namespace stackwatch::exporter::postgres {

SocketWatchdog::SocketWatchdog() : thread_([this] { run(); }) {}

SocketWatchdog::~SocketWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    changed_.notify_one();
    thread_.join();
}

void SocketWatchdog::arm(int fd, std::chrono::steady_clock::time_point at) {
    bool wake;
    {
        std::lock_guard lock(mutex_);
        fd_ = fd;
        at_ = at;
        fired_ = false;
        // The statements of one scrape share its deadline: the thread already sleeping until
        // then looks again when it wakes, so only an earlier deadline needs to wake it now.
        wake = at < sleeping_until_;
    }
    if (wake) changed_.notify_one();
}

void SocketWatchdog::disarm() {
    std::lock_guard lock(mutex_);
    fd_ = -1;
}

bool SocketWatchdog::fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
}

void SocketWatchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (fd_ < 0) {
            sleeping_until_ = std::chrono::steady_clock::time_point::max();
            changed_.wait(lock);
        } else if (std::chrono::steady_clock::now() < at_) {
            sleeping_until_ = at_;
            changed_.wait_until(lock, at_);
        } else {
            ::shutdown(fd_, SHUT_RDWR);
            fd_ = -1;
            fired_ = true;
        }
    }
}

}  // namespace stackwatch::exporter::postgres
