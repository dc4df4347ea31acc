#include "ruler/api/request_params.hpp"

#include <charconv>

#include "common/time_format.hpp"
#include "ruler/api/bad_request.hpp"

namespace stackwatch::ruler {

TimeRange time_range(const http::Request& request, std::chrono::system_clock::duration span) {
    auto bound = [&](const char* name, std::chrono::system_clock::time_point fallback) {
        auto text = request.query_param(name);
        if (!text) return fallback;
        auto t = parse_api_time(*text);
        if (!t)
            throw BadRequest(std::string(name) + " must be an RFC 3339 time or Unix seconds: \"" +
                             *text + "\"");
        return *t;
    };
    TimeRange range;
    range.end = bound("end", std::chrono::system_clock::now());
    range.start = bound("start", range.end - span);
    if (range.start >= range.end) throw BadRequest("start must be before end");
    return range;
}

std::size_t limit_param(const http::Request& request, std::size_t fallback, std::size_t max) {
    auto text = request.query_param("limit");
    if (!text) return fallback;
    std::size_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 1 || value > max)
        throw BadRequest("limit must be a whole number from 1 to " + std::to_string(max));
    return value;
}

}  // namespace stackwatch::ruler
