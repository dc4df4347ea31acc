#pragma once
// The last line behind statement_timeout: when a statement is still waiting at the scrape
// deadline (a frozen server process, a network that drops packets silently) the server cannot
// cancel it, so the watchdog shuts the socket down and the blocked libpq call returns with a
// broken connection.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace stackwatch::exporter::postgres {

class SocketWatchdog {
  public:
    SocketWatchdog();
    ~SocketWatchdog();
    SocketWatchdog(const SocketWatchdog&) = delete;
    SocketWatchdog& operator=(const SocketWatchdog&) = delete;

    // Shut `fd` down at `at` unless disarmed first. Once disarm() returns, `fd` is not touched.
    void arm(int fd, std::chrono::steady_clock::time_point at);
    void disarm();
    // Whether the last armed wait ended with the socket being shut down.
    bool fired() const;

  private:
    void run();

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int fd_ = -1;
    std::chrono::steady_clock::time_point at_;
    bool fired_ = false;
    bool stopping_ = false;
    // When the thread will next look at fd_ and at_ without being woken.
    std::chrono::steady_clock::time_point sleeping_until_ =
        std::chrono::steady_clock::time_point::max();
    std::thread thread_;
};

}  // namespace stackwatch::exporter::postgres
