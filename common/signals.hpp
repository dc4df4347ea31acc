#pragma once
// Signals handled synchronously: construct before starting any thread so every thread inherits
// the blocked mask, then wait() in the main thread. SIGINT/SIGTERM mean stop, SIGHUP means reload.

#include <csignal>

namespace stackwatch {

class SignalWaiter {
public:
    enum class Event { stop, reload };
    SignalWaiter();
    Event wait();  // blocks until SIGINT, SIGTERM or SIGHUP arrives

private:
    sigset_t set_;
};

}  // namespace stackwatch
