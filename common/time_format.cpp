#include "common/time_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace stackwatch {
namespace {

std::tm utc_fields(std::chrono::system_clock::time_point tp) {
    std::time_t t =
        std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(tp));
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}

bool digits(std::string_view text, std::size_t at, std::size_t count, int& out) {
    if (at + count > text.size()) return false;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + count, out);
    return ec == std::errc() && end == text.data() + at + count;
}

}  // namespace

std::string iso8601_utc_ms(std::chrono::system_clock::time_point tp) {
    auto secs = std::chrono::floor<std::chrono::seconds>(tp);
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(tp - secs).count();
    std::tm tm = utc_fields(tp);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    return buf;
}

std::string rfc3339_nano(std::optional<std::chrono::system_clock::time_point> tp) {
    if (!tp) return "0001-01-01T00:00:00Z";
    auto secs = std::chrono::floor<std::chrono::seconds>(*tp);
    auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(*tp - secs).count();
    std::tm tm = utc_fields(*tp);
    char buf[64];
    int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900,
                          tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    std::string out(buf, static_cast<std::size_t>(n));
    if (nanos > 0) {
        std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
        std::string fraction = buf;
        while (fraction.back() == '0') fraction.pop_back();
        out += fraction;
    }
    return out + "Z";
}

bool parse_rfc3339(std::string_view text,
                   std::optional<std::chrono::system_clock::time_point>& out) {
    int year, month, day, hour, minute, second;
    if (text.size() < 20 || !digits(text, 0, 4, year) || text[4] != '-' ||
        !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
        (text[10] != 'T' && text[10] != 't') || !digits(text, 11, 2, hour) || text[13] != ':' ||
        !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second))
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    std::size_t at = 19;
    std::chrono::nanoseconds fraction{0};
    if (text[at] == '.') {
        std::size_t start = ++at;
        long long scale = 100'000'000;
        long long nanos = 0;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
            nanos += (text[at] - '0') * scale;
            scale /= 10;
            ++at;
        }
        if (at == start) return false;
        fraction = std::chrono::nanoseconds(nanos);
    }
    std::chrono::minutes offset{0};
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int oh, om;
        if (!digits(text, at + 1, 2, oh) || text.size() <= at + 3 || text[at + 3] != ':' ||
            !digits(text, at + 4, 2, om))
            return false;
        offset = std::chrono::hours(oh) + std::chrono::minutes(om);
        if (text[at] == '-') offset = -offset;
        at += 6;
    } else {
        return false;
    }
    if (at != text.size()) return false;
    using namespace std::chrono;
    if (year == 1 && month == 1 && day == 1 && hour == 0 && minute == 0 && second == 0 &&
        fraction.count() == 0 && offset.count() == 0) {
        out.reset();
        return true;
    }
    auto date =
        year_month_day{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                       std::chrono::day(static_cast<unsigned>(day))};
    // A time_point in nanoseconds spans the years 1678 to 2262.
    if (!date.ok() || year < 1700 || year > 2200) return false;
    auto tp = sys_days(date) + hours(hour) + minutes(minute) + seconds(second) - offset;
    out = time_point_cast<system_clock::duration>(tp +
                                                  duration_cast<system_clock::duration>(fraction));
    return true;
}

std::optional<std::chrono::system_clock::time_point> parse_api_time(std::string_view text) {
    std::optional<std::chrono::system_clock::time_point> t;
    if (parse_rfc3339(text, t) && t) return t;
    double seconds = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
        !std::isfinite(seconds))
        return std::nullopt;
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::duration<double>(seconds)));
}

}  // namespace stackwatch
