#pragma once
// Alertmanager 0.25's time intervals, the entries of `time_intervals:` and `mute_time_intervals:`
// in alertmanager.yml: read with its checks and its messages, matched as its ContainsTime does.

#include <cctz/time_zone.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace stackwatch::notify {

// Minutes of the day, the end excluded: 16:00 to the end of the day is {960, 1440}.
struct TimeOfDayRange {
    int start_minute = 0;
    int end_minute = 0;
};

// Both ends included. 64-bit like Go's int: months and years are not range-checked, so anything
// strconv.Atoi accepts is kept (and a month 13 simply never matches).
struct InclusiveRange {
    std::int64_t begin = 0;
    std::int64_t end = 0;
};

struct IntervalLocation {
    std::string name;  // as Go prints it: "Australia/Sydney", "Local", "UTC" (also for "")
    cctz::time_zone zone;
};

struct TimeInterval {
    // std::nullopt when the field is absent or null, which matches every time. A present but empty
    // list matches no time: Go decodes `weekdays: []` into a non-nil empty slice.
    std::optional<std::vector<TimeOfDayRange>> times;
    std::optional<std::vector<InclusiveRange>> weekdays;       // 0 = Sunday
    std::optional<std::vector<InclusiveRange>> days_of_month;  // negative: -1 is the last day
    std::optional<std::vector<InclusiveRange>> months;         // 1 = January
    std::optional<std::vector<InclusiveRange>> years;
    // Without one, times are read in UTC: Alertmanager passes now.UTC() to ContainsTime.
    std::optional<IntervalLocation> location;

    // Every present field holds at t.
    bool contains(std::chrono::system_clock::time_point t) const;
};

struct NamedTimeInterval {
    std::string name;
    std::vector<TimeInterval> intervals;

    // Any of the intervals holds at t; none at all never does.
    bool contains(std::chrono::system_clock::time_point t) const;
};

// Which top-level list an entry stands in; only Alertmanager's messages tell them apart.
enum class TimeIntervalList { time_intervals, mute_time_intervals };

// Each throws ConfigError naming file:line:column and the key, with Alertmanager's message.
TimeInterval parse_time_interval(const ConfigNode& node);
// One entry of either list: a map of `name` and `time_intervals`.
NamedTimeInterval parse_named_time_interval(
    const ConfigNode& node, TimeIntervalList list = TimeIntervalList::time_intervals);
// Both lists of an alertmanager.yml root, mute_time_intervals first; a name may appear once
// across the two, as Alertmanager requires.
std::vector<NamedTimeInterval> parse_time_interval_lists(const ConfigNode& config_root);

}  // namespace stackwatch::notify
