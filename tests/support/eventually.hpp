#pragma once
// Waiting for something other threads or processes make true: polls the condition until it holds
// or the bound passes. The bound only limits a failure; a passing test returns as soon as it can.

#include <chrono>
#include <thread>

namespace stackwatch::test {

template <typename Condition>
bool eventually(Condition condition, std::chrono::milliseconds bound = std::chrono::seconds(10),
                std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
    auto deadline = std::chrono::steady_clock::now() + bound;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(step);
    }
    return true;
}

}  // namespace stackwatch::test
