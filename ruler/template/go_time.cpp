#include "ruler/template/go_time.hpp"

#include <array>
#include <cstdio>

namespace stackwatch::tmpl {
namespace {

struct Civil {
    std::int64_t year;
    int month;  // 1..12
    int day;    // 1..31
    int year_day;
    int weekday;  // 0 is Sunday
    int hour, minute, second;
};

// Howard Hinnant's days-to-civil, valid for every year a Go time can print.
Civil civil(const Time& t) {
    std::int64_t days = t.unix_seconds / 86400;
    std::int64_t secs = t.unix_seconds % 86400;
    if (secs < 0) {
        secs += 86400;
        days -= 1;
    }
    std::int64_t z = days + 719468;
    std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    std::int64_t doe = z - era * 146097;
    std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    std::int64_t mp = (5 * doy + 2) / 153;
    Civil c{};
    c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    c.year = yoe + era * 400 + (c.month <= 2 ? 1 : 0);
    bool leap = (c.year % 4 == 0 && c.year % 100 != 0) || c.year % 400 == 0;
    static constexpr std::array<int, 12> kBefore{0,   31,  59,  90,  120, 151,
                                                 181, 212, 243, 273, 304, 334};
    c.year_day =
        kBefore[static_cast<std::size_t>(c.month - 1)] + c.day + (leap && c.month > 2 ? 1 : 0);
    std::int64_t weekday = (4 + days) % 7;  // 1970-01-01 was a Thursday
    c.weekday = static_cast<int>(weekday < 0 ? weekday + 7 : weekday);
    c.hour = static_cast<int>(secs / 3600);
    c.minute = static_cast<int>(secs / 60 % 60);
    c.second = static_cast<int>(secs % 60);
    return c;
}

constexpr std::array<const char*, 12> kMonths{"January",   "February", "March",    "April",
                                              "May",       "June",     "July",     "August",
                                              "September", "October",  "November", "December"};
constexpr std::array<const char*, 7> kDays{"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};

std::string padded(std::int64_t n, int width, char fill = '0') {
    std::string digits = std::to_string(n < 0 ? -n : n);
    if (static_cast<int>(digits.size()) < width)
        digits.insert(0, static_cast<std::size_t>(width) - digits.size(), fill);
    return n < 0 ? "-" + digits : digits;
}

// Writes `text` for a layout element `length` bytes long.
std::size_t emit(std::string& out, std::string text, std::size_t length) {
    out = std::move(text);
    return length;
}

bool starts_lower(std::string_view s) {
    return !s.empty() && s[0] >= 'a' && s[0] <= 'z';
}

bool digit_at(std::string_view s, std::size_t i) {
    return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// The length of the layout element Go's nextStdChunk finds at `i`, and its text for `c`, or 0.
std::size_t element_at(std::string_view layout, std::size_t i, const Civil& c, std::int32_t nanos,
                       std::string& out) {
    std::string_view rest = layout.substr(i);
    auto starts = [&](std::string_view word) { return rest.starts_with(word); };
    switch (rest[0]) {
        case 'J':
            if (starts("January")) return emit(out, kMonths[c.month - 1], 7);
            if (starts("Jan") && !starts_lower(rest.substr(3)))
                return emit(out, std::string(kMonths[c.month - 1]).substr(0, 3), 3);
            return 0;
        case 'M':
            if (starts("Monday")) return emit(out, kDays[c.weekday], 6);
            if (starts("Mon") && !starts_lower(rest.substr(3)))
                return emit(out, std::string(kDays[c.weekday]).substr(0, 3), 3);
            if (starts("MST")) return emit(out, "UTC", 3);
            return 0;
        case '0':
            if (rest.size() >= 2 && rest[1] >= '1' && rest[1] <= '6') {
                int value[] = {c.month,  c.day,    (c.hour + 11) % 12 + 1,
                               c.minute, c.second, static_cast<int>(c.year % 100)};
                return emit(out, padded(value[rest[1] - '1'], 2), 2);
            }
            if (starts("002")) return emit(out, padded(c.year_day, 3), 3);
            return 0;
        case '1':
            if (starts("15")) return emit(out, padded(c.hour, 2), 2);
            return emit(out, std::to_string(c.month), 1);
        case '2':
            if (starts("2006")) return emit(out, padded(c.year, 4), 4);
            return emit(out, std::to_string(c.day), 1);
        case '_':
            if (starts("_2006")) return emit(out, "_" + padded(c.year, 4), 5);
            if (starts("_2")) return emit(out, padded(c.day, 2, ' '), 2);
            if (starts("__2")) return emit(out, padded(c.year_day, 3, ' '), 3);
            return 0;
        case '3':
            return emit(out, std::to_string((c.hour + 11) % 12 + 1), 1);
        case '4':
            return emit(out, std::to_string(c.minute), 1);
        case '5':
            return emit(out, std::to_string(c.second), 1);
        case 'P':
            if (starts("PM")) return emit(out, c.hour >= 12 ? "PM" : "AM", 2);
            return 0;
        case 'p':
            if (starts("pm")) return emit(out, c.hour >= 12 ? "pm" : "am", 2);
            return 0;
        case '-':
        case 'Z': {
            // Zones, longest first; UTC is "Z" in the ISO 8601 forms.
            static constexpr std::array<std::pair<const char*, const char*>, 5> kZones{
                {{"070000", "+000000"},
                 {"07:00:00", "+00:00:00"},
                 {"0700", "+0000"},
                 {"07:00", "+00:00"},
                 {"07", "+00"}}};
            for (const auto& [zone, utc] : kZones)
                if (rest.substr(1).starts_with(zone))
                    return emit(out, rest[0] == 'Z' ? "Z" : utc, 1 + std::string_view(zone).size());
            return 0;
        }
        case '.':
        case ',': {
            if (rest.size() < 2 || (rest[1] != '0' && rest[1] != '9')) return 0;
            std::size_t end = 1;
            while (end < rest.size() && rest[end] == rest[1]) ++end;
            if (digit_at(rest, end)) return 0;  // only a run of digits ending here is a fraction
            std::string digits = padded(nanos, 9).substr(0, end - 1);
            if (rest[1] == '9') {
                while (!digits.empty() && digits.back() == '0') digits.pop_back();
                out = digits.empty() ? "" : rest[0] + digits;
            } else {
                out = rest[0] + digits;
            }
            return end;
        }
        default:
            return 0;
    }
}

}  // namespace

Time to_go_time(std::chrono::system_clock::time_point tp) {
    auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(tp.time_since_epoch()).count();
    std::int64_t seconds = nanos / 1'000'000'000;
    std::int64_t rest = nanos % 1'000'000'000;
    if (rest < 0) {
        rest += 1'000'000'000;
        seconds -= 1;
    }
    return Time{.unix_seconds = seconds, .nanos = static_cast<std::int32_t>(rest)};
}

std::string format_time(const Time& t, std::string_view layout) {
    Civil c = civil(t);
    std::string out;
    for (std::size_t i = 0; i < layout.size();) {
        std::string element;
        std::size_t length = element_at(layout, i, c, t.nanos, element);
        if (length == 0) {
            out += layout[i++];
            continue;
        }
        out += element;
        i += length;
    }
    return out;
}

std::string time_string(const Time& t) {
    return format_time(t, "2006-01-02 15:04:05.999999999 -0700 MST");
}

const MethodTable& time_methods() {
    static const MethodTable methods = [] {
        MethodTable m;
        auto nullary = [&m](const char* name, Value (*f)(const Time&)) {
            m[name] = Method{{}, [f](const Value& receiver, const std::vector<Value>&) {
                                 return f(*receiver.get<Time>());
                             }};
        };
        nullary("String", [](const Time& t) { return Value{time_string(t)}; });
        nullary("Unix", [](const Time& t) { return Value{t.unix_seconds}; });
        nullary("UnixMilli",
                [](const Time& t) { return Value{t.unix_seconds * 1000 + t.nanos / 1'000'000}; });
        nullary("UnixNano", [](const Time& t) {
            return Value{t.unix_seconds * 1'000'000'000 + static_cast<std::int64_t>(t.nanos)};
        });
        nullary("UTC", [](const Time& t) { return Value{t}; });
        nullary("Local", [](const Time& t) { return Value{t}; });
        nullary("IsZero", [](const Time& t) { return Value{t == Time{}}; });
        m["Format"] = Method{
            {"string"}, [](const Value& receiver, const std::vector<Value>& args) {
                return Value{format_time(*receiver.get<Time>(), *args[0].get<std::string>())};
            }};
        return m;
    }();
    return methods;
}

}  // namespace stackwatch::tmpl
