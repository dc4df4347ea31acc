#include "ruler/notify/time_interval.hpp"

#include <cctz/civil_time.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <set>
#include <string_view>
#include <system_error>
#include <utility>

namespace stackwatch::notify {
namespace {

using std::chrono::system_clock;

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};
constexpr std::array<std::string_view, 12> kMonthNames = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

// Where Go's time.LoadLocation looks first; the other platform directories do not exist on Debian.
constexpr std::string_view kZoneinfoDir = "/usr/share/zoneinfo/";

char lowercase(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// strings.ToLower on ASCII; Go also lowers other letters, which only changes an error's text.
std::string lowercase(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = lowercase(c);
    return out;
}

// strconv.Quote for what these messages embed: ASCII escapes; other bytes pass as written.
std::string go_quote(std::string_view text) {
    static constexpr std::pair<char, std::string_view> kEscapes[] = {
        {'"', "\\\""}, {'\\', "\\\\"}, {'\a', "\\a"}, {'\b', "\\b"}, {'\f', "\\f"},
        {'\n', "\\n"}, {'\r', "\\r"},  {'\t', "\\t"}, {'\v', "\\v"}};
    std::string out = "\"";
    for (char c : text) {
        const auto* escape = std::find_if(std::begin(kEscapes), std::end(kEscapes),
                                          [c](const auto& e) { return e.first == c; });
        if (escape != std::end(kEscapes)) {
            out += escape->second;
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
            out += hex;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

struct AtoiResult {
    std::int64_t value = 0;
    std::string error;  // Go's text; empty on success
};

// strconv.Atoi: an optional sign and decimal digits, nothing else (no spaces, no underscores).
// Like Go, it stops at the first bad character or the first overflow, whichever comes first.
AtoiResult go_atoi(const std::string& text) {
    auto failure = [&](std::string_view reason) {
        return AtoiResult{0,
                          "strconv.Atoi: parsing " + go_quote(text) + ": " + std::string(reason)};
    };
    std::string_view digits = text;
    const bool negative = digits.starts_with('-');
    if (negative || digits.starts_with('+')) digits.remove_prefix(1);
    if (digits.empty()) return failure("invalid syntax");
    constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t magnitude = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') return failure("invalid syntax");
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (magnitude > (kMax - digit) / 10) return failure("value out of range");
        magnitude = magnitude * 10 + digit;
    }
    constexpr auto kLimit = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (magnitude > kLimit + (negative ? 1 : 0)) return failure("value out of range");
    // -2^63 has no positive counterpart, so the negation is done in unsigned arithmetic.
    const std::uint64_t bits = negative ? ~magnitude + 1 : magnitude;
    return {static_cast<std::int64_t>(bits), ""};
}

std::int64_t integer_from_string(const ConfigNode& node, const std::string& text) {
    AtoiResult parsed = go_atoi(text);
    if (!parsed.error.empty()) node.fail(parsed.error);
    return parsed.value;
}

std::int64_t weekday_from_string(const ConfigNode& node, const std::string& text) {
    for (std::size_t day = 0; day < kWeekdayNames.size(); ++day)
        if (text == kWeekdayNames[day]) return static_cast<std::int64_t>(day);
    node.fail(text + " is not a valid weekday");
}

std::int64_t month_from_string(const ConfigNode& node, const std::string& text) {
    for (std::size_t month = 0; month < kMonthNames.size(); ++month)
        if (text == kMonthNames[month]) return static_cast<std::int64_t>(month + 1);
    AtoiResult parsed = go_atoi(text);
    if (!parsed.error.empty()) node.fail(text + " is not a valid month");
    return parsed.value;
}

// Go's monthsInv lookup: an unknown number prints as nothing.
std::string month_name(std::int64_t month) {
    if (month < 1 || month > 12) return "";
    return std::string(kMonthNames[static_cast<std::size_t>(month - 1)]);
}

// stringableRangeFromString: lowercased but not trimmed, "a" or "a:b".
template <typename MemberFromString>
InclusiveRange range_from_string(const ConfigNode& node, MemberFromString member_from_string) {
    const std::string text = lowercase(node.raw_scalar());
    const auto colon = text.find(':');
    if (colon == std::string::npos) {
        const std::int64_t value = member_from_string(node, text);
        return {value, value};
    }
    if (text.find(':', colon + 1) != std::string::npos)
        node.fail("couldn't parse range " + text + ", invalid format");
    const std::int64_t begin = member_from_string(node, text.substr(0, colon));
    const std::int64_t end = member_from_string(node, text.substr(colon + 1));
    return {begin, end};
}

InclusiveRange parse_weekday_range(const ConfigNode& node) {
    InclusiveRange range = range_from_string(node, weekday_from_string);
    // Go's message says the opposite of what it checks; it is kept word for word. Its later
    // out-of-range checks cannot fire, since only names are accepted.
    if (range.begin > range.end) node.fail("start day cannot be before end day");
    return range;
}

InclusiveRange parse_day_of_month_range(const ConfigNode& node) {
    InclusiveRange range = range_from_string(node, integer_from_string);
    for (std::int64_t day : {range.begin, range.end}) {
        if (day == 0 || day < -31 || day > 31)
            node.fail(std::to_string(day) + " is not a valid day of the month: out of range");
    }
    // Otherwise a range valid in long months would be inverted in short ones.
    if (range.begin < 0 && range.end > 0)
        node.fail("end day must be negative if start day is negative");
    // Negative days are compared in the shortest month, 28 days: only always-empty ranges fail.
    const std::int64_t check_begin = range.begin < 0 ? 28 + range.begin : range.begin;
    const std::int64_t check_end = range.end < 0 ? 28 + range.end : range.end;
    if (check_begin > check_end) {
        node.fail("end day " + std::to_string(range.end) + " is always before start day " +
                  std::to_string(range.begin));
    }
    return range;
}

InclusiveRange parse_month_range(const ConfigNode& node) {
    InclusiveRange range = range_from_string(node, month_from_string);
    if (range.begin > range.end) {
        node.fail("end month " + month_name(range.end) + " is before start month " +
                  month_name(range.begin));
    }
    return range;
}

InclusiveRange parse_year_range(const ConfigNode& node) {
    InclusiveRange range = range_from_string(node, integer_from_string);
    if (range.begin > range.end) {
        node.fail("end year " + std::to_string(range.end) + " is before start year " +
                  std::to_string(range.begin));
    }
    return range;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// parseTime: exactly "HH:MM" from 00:00 to 23:59, or 24:00 for the end of the day.
int parse_time_of_day(const ConfigNode& node) {
    const std::string text = node.raw_scalar();
    const bool shaped = text.size() == 5 && is_digit(text[0]) && is_digit(text[1]) &&
                        text[2] == ':' && is_digit(text[3]) && is_digit(text[4]);
    const int hours = shaped ? (text[0] - '0') * 10 + (text[1] - '0') : 0;
    const int minutes = shaped ? (text[3] - '0') * 10 + (text[4] - '0') : 0;
    const bool valid = shaped && ((hours < 24 && minutes < 60) || (hours == 24 && minutes == 0));
    if (!valid) node.fail("couldn't parse timestamp " + text + ", invalid format");
    return hours * 60 + minutes;
}

TimeOfDayRange parse_time_of_day_range(const ConfigNode& node) {
    node.allow_keys({"start_time", "end_time"});
    const ConfigNode start = node["start_time"];
    const ConfigNode end = node["end_time"];
    // A null time decodes to "" in Go, so it gets the same message as a missing one.
    const bool start_given = start.defined() && !start.raw_scalar().empty();
    const bool end_given = end.defined() && !end.raw_scalar().empty();
    if (!start_given || !end_given) node.fail("both start and end times must be provided");
    const int start_minute = parse_time_of_day(start);
    const int end_minute = parse_time_of_day(end);
    if (start_minute >= end_minute)
        node.fail("start time cannot be equal or greater than end time");
    return {start_minute, end_minute};
}

// Go's errno text is glibc's with a lowercase first letter: "is a directory".
std::string go_errno_text(const std::error_code& error) {
    std::string text = error.message();
    if (!text.empty()) text[0] = lowercase(text[0]);
    return text;
}

// time.LoadLocation. cctz is handed the file's absolute path, so that none of its own name forms
// ("Fixed/UTC+01:00", "file:", $TZDIR), which Go does not have, can apply.
IntervalLocation load_location(const ConfigNode& node) {
    const std::string name = node.raw_scalar();
    if (name.empty() || name == "UTC") return {"UTC", cctz::utc_time_zone()};
    if (name == "Local") return {"Local", cctz::local_time_zone()};
    if (name.find("..") != std::string::npos || name[0] == '/' || name[0] == '\\')
        node.fail("time: invalid location name");
    const std::string path = std::string(kZoneinfoDir) + name;
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (error.value() == ENOENT) node.fail("unknown time zone " + name);
    if (error) node.fail(go_errno_text(error));
    if (std::filesystem::is_directory(status))
        node.fail(go_errno_text(std::make_error_code(std::errc::is_a_directory)));
    cctz::time_zone zone;
    if (!cctz::load_time_zone(path, &zone)) node.fail("malformed time zone information");
    return {name, zone};
}

// yaml.v2 does not call UnmarshalYAML for a null element; it keeps the zero value, so `[~]` in
// weekdays is Sunday and in times a range no minute falls into.
template <typename Parse>
auto parse_list(const ConfigNode& node, Parse parse)
    -> std::optional<std::vector<decltype(parse(node))>> {
    if (!node.defined()) return std::nullopt;
    std::vector<decltype(parse(node))> out;
    for (const ConfigNode& item : node.items())
        out.push_back(item.defined() ? parse(item) : decltype(parse(node)){});
    return out;
}

// time.Date: near a transition Go picks the offset in its own way, which cctz does not share.
cctz::time_point<cctz::seconds> go_date(const cctz::time_zone& zone,
                                        const cctz::civil_second& civil) {
    const auto as_if_utc = cctz::convert(civil, cctz::utc_time_zone());
    int offset = zone.lookup(as_if_utc).offset;
    if (offset != 0) offset = zone.lookup(as_if_utc - cctz::seconds(offset)).offset;
    return as_if_utc - cctz::seconds(offset);
}

// Go's daysInMonth: whole 24-hour days between this month's midnight and the next one's, so a
// month in which clocks go forward is a day short (March in New York has 30 days by it).
std::int64_t days_in_month(const cctz::time_zone& zone, const cctz::civil_second& local) {
    const auto month_start = go_date(zone, cctz::civil_second(local.year(), local.month(), 1));
    // AddDate(0, 1, 0) moves month_start's own wall clock, normalized as time.Date does.
    const cctz::civil_second start = cctz::convert(month_start, zone);
    const auto month_end =
        go_date(zone, cctz::civil_second(start.year(), start.month() + 1, start.day(), start.hour(),
                                         start.minute(), start.second()));
    return (month_end - month_start) / std::chrono::hours(24);
}

std::int64_t clamp(std::int64_t n, std::int64_t min, std::int64_t max) {
    if (n <= min) return min;
    if (n >= max) return max;
    return n;
}

bool in_any(const std::vector<InclusiveRange>& ranges, std::int64_t value) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [&](const InclusiveRange& r) { return value >= r.begin && value <= r.end; });
}

bool in_days_of_month(const std::vector<InclusiveRange>& ranges, const cctz::time_zone& zone,
                      const cctz::civil_second& local) {
    const std::int64_t days = days_in_month(zone, local);
    for (const InclusiveRange& range : ranges) {
        std::int64_t begin = range.begin < 0 ? days + range.begin + 1 : range.begin;
        std::int64_t end = range.end < 0 ? days + range.end + 1 : range.end;
        if (begin > days) continue;
        // Go clamps to [-days, days], not [1, days]: an end before the 1st then keeps no day.
        begin = clamp(begin, -days, days);
        end = clamp(end, -days, days);
        if (local.day() >= begin && local.day() <= end) return true;
    }
    return false;
}

// Go counts from Sunday = 0, cctz from Monday.
std::int64_t go_weekday(const cctz::civil_second& local) {
    return (static_cast<std::int64_t>(cctz::get_weekday(cctz::civil_day(local))) + 1) % 7;
}

}  // namespace

bool TimeInterval::contains(system_clock::time_point t) const {
    const cctz::time_zone zone = location ? location->zone : cctz::utc_time_zone();
    const cctz::civil_second local = cctz::convert(t, zone);
    if (times) {
        const int minute = local.hour() * 60 + local.minute();
        const bool in = std::any_of(times->begin(), times->end(), [&](const TimeOfDayRange& r) {
            return minute >= r.start_minute && minute < r.end_minute;
        });
        if (!in) return false;
    }
    if (days_of_month && !in_days_of_month(*days_of_month, zone, local)) return false;
    if (months && !in_any(*months, local.month())) return false;
    if (weekdays && !in_any(*weekdays, go_weekday(local))) return false;
    if (years && !in_any(*years, local.year())) return false;
    return true;
}

bool NamedTimeInterval::contains(system_clock::time_point t) const {
    return std::any_of(intervals.begin(), intervals.end(),
                       [&](const TimeInterval& interval) { return interval.contains(t); });
}

TimeInterval parse_time_interval(const ConfigNode& node) {
    TimeInterval interval;
    if (!node.defined()) return interval;  // a null entry: the zero value, which matches always
    node.allow_keys({"times", "weekdays", "days_of_month", "months", "years", "location"});
    // In document order, as yaml.v2 decodes, so the first error reported is the same.
    for (const auto& [key, value] : node.entries()) {
        if (key == "times") {
            interval.times = parse_list(value, parse_time_of_day_range);
        } else if (key == "weekdays") {
            interval.weekdays = parse_list(value, parse_weekday_range);
        } else if (key == "days_of_month") {
            interval.days_of_month = parse_list(value, parse_day_of_month_range);
        } else if (key == "months") {
            interval.months = parse_list(value, parse_month_range);
        } else if (key == "years") {
            interval.years = parse_list(value, parse_year_range);
        } else if (key == "location" && value.defined()) {  // null leaves Go's pointer nil
            interval.location = load_location(value);
        }
    }
    return interval;
}

NamedTimeInterval parse_named_time_interval(const ConfigNode& node, TimeIntervalList list) {
    NamedTimeInterval named;
    // yaml.v2 skips UnmarshalYAML for a null entry, and with it the name check.
    if (!node.defined()) return named;
    node.allow_keys({"name", "time_intervals"});
    for (const auto& [key, value] : node.entries()) {
        if (key == "name") {
            named.name = value.defined() ? value.raw_scalar() : "";
        } else if (key == "time_intervals") {
            named.intervals.clear();
            for (const ConfigNode& item : value.items())
                named.intervals.push_back(parse_time_interval(item));
        }
    }
    if (named.name.empty()) {
        node.fail(list == TimeIntervalList::mute_time_intervals
                      ? "missing name in mute time interval"
                      : "missing name in time interval");
    }
    return named;
}

std::vector<NamedTimeInterval> parse_time_interval_lists(const ConfigNode& config_root) {
    std::vector<NamedTimeInterval> all;
    std::vector<std::pair<ConfigNode, TimeIntervalList>> entries;
    for (auto list : {TimeIntervalList::mute_time_intervals, TimeIntervalList::time_intervals}) {
        const char* key = list == TimeIntervalList::mute_time_intervals ? "mute_time_intervals"
                                                                        : "time_intervals";
        for (const ConfigNode& item : config_root[key].items()) {
            all.push_back(parse_named_time_interval(item, list));
            entries.emplace_back(item, list);
        }
    }
    // Alertmanager checks names only once everything has been read, so a broken entry is reported
    // before a duplicate.
    std::set<std::string> seen;
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (seen.insert(all[i].name).second) continue;
        const auto& [node, list] = entries[i];
        const char* what =
            list == TimeIntervalList::mute_time_intervals ? "mute time interval" : "time interval";
        node["name"].fail(std::string(what) + " " + go_quote(all[i].name) + " is not unique");
    }
    return all;
}

}  // namespace stackwatch::notify
