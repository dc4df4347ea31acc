#pragma once
// CLOCK_REALTIME in nanoseconds: the poster, the receiver and the script all read this clock on
// one machine, so their timestamps can be subtracted from one another.

#include <chrono>
#include <cstdint>

inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}
