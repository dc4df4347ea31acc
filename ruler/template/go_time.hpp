#pragma once
// Go's time.Time as notification templates see it: printed by String(), formatted with Go's
// reference-time layouts ("2006-01-02 15:04:05"), and the methods templates call on it.

#include <chrono>
#include <string>
#include <string_view>

#include "ruler/template/value.hpp"

namespace stackwatch::tmpl {

Time to_go_time(std::chrono::system_clock::time_point tp);

// Time.Format(layout) in UTC: every element of Go's layouts, zones written as UTC ("UTC",
// "+0000", "Z").
std::string format_time(const Time& t, std::string_view layout);
// Time.String(): "2023-01-02 15:04:05.123456789 +0000 UTC", the fraction without trailing zeros.
std::string time_string(const Time& t);

// What templates may call on a time.Time: String, Format, Unix, UnixMilli, UnixNano, UTC, Local
// (the same as UTC: the ruler's times are all UTC) and IsZero.
const MethodTable& time_methods();

}  // namespace stackwatch::tmpl
