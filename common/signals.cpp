#include "common/signals.hpp"

#include <pthread.h>

namespace stackwatch {

SignalWaiter::SignalWaiter() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    // A peer closing a socket mid-write must not kill the process.
    std::signal(SIGPIPE, SIG_IGN);
}

SignalWaiter::Event SignalWaiter::wait() {
    int sig = 0;
    while (sigwait(&set_, &sig) != 0) {
    }
    return sig == SIGHUP ? Event::reload : Event::stop;
}

}  // namespace stackwatch
