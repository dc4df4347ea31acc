#pragma once
// Numbers in Redis' textual replies (INFO fields, CONFIG values), parsed strictly: "12abc" is
// not a number.

#include <charconv>
#include <optional>
#include <string_view>

namespace stackwatch::exporter::redis {

inline std::optional<double> parse_number(std::string_view text) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace stackwatch::exporter::redis
