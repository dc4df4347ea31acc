#pragma once
// How hard the outbox tries one notification: attempts and age that bound its retries, and the
// backoff between them. A receiver may set its own (`retry:` in its configuration, a stackwatch
// extension); what it leaves out comes from the ruler's defaults.

#include <chrono>
#include <cstddef>
#include <optional>

namespace stackwatch::notify {

struct RetryPolicy {
    int max_attempts = 10;
    std::chrono::milliseconds max_age = std::chrono::hours(1);
    std::chrono::milliseconds initial_backoff = std::chrono::milliseconds(500);
    std::chrono::milliseconds max_backoff = std::chrono::minutes(1);
};

struct RetryOverrides {
    std::optional<int> max_attempts;
    std::optional<std::chrono::milliseconds> max_age;
    std::optional<std::chrono::milliseconds> initial_backoff;
    std::optional<std::chrono::milliseconds> max_backoff;

    RetryPolicy over(RetryPolicy base) const {
        if (max_attempts) base.max_attempts = *max_attempts;
        if (max_age) base.max_age = *max_age;
        if (initial_backoff) base.initial_backoff = *initial_backoff;
        if (max_backoff) base.max_backoff = *max_backoff;
        return base;
    }
};

}  // namespace stackwatch::notify
