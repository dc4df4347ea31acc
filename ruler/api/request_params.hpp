#pragma once
// Query parameters the /monitoring endpoints share, read as BadRequest-throwing values so a bad
// one is a 400 naming it.

#include <chrono>
#include <cstddef>
#include <string>

#include "common/http_server.hpp"

namespace stackwatch::ruler {

struct TimeRange {
    std::chrono::system_clock::time_point start, end;
};

// start= and end= as RFC 3339 or Unix seconds; end defaults to now, start to `span` before end.
TimeRange time_range(const http::Request& request, std::chrono::system_clock::duration span);

// limit= between 1 and `max`, else `fallback`.
std::size_t limit_param(const http::Request& request, std::size_t fallback, std::size_t max);

}  // namespace stackwatch::ruler
