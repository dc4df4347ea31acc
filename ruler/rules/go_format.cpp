#include "ruler/rules/go_format.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include "ruler/rules/rule.hpp"
#include "ruler/template/value.hpp"

namespace stackwatch::rules {

std::string go_duration(std::int64_t ms) {
    if (ms == 0) return "0s";
    std::string sign = ms < 0 ? "-" : "";
    std::uint64_t abs = ms < 0 ? static_cast<std::uint64_t>(-ms) : static_cast<std::uint64_t>(ms);
    if (abs < 1000) return sign + std::to_string(abs) + "ms";
    std::uint64_t hours = abs / 3'600'000;
    std::uint64_t minutes = abs / 60'000 % 60;
    std::uint64_t millis = abs % 60'000;
    std::string seconds = std::to_string(millis / 1000);
    if (millis % 1000 != 0) {
        std::string frac = std::to_string(1000 + millis % 1000).substr(1);
        while (frac.back() == '0') frac.pop_back();
        seconds += "." + frac;
    }
    std::string out = sign;
    if (hours > 0) out += std::to_string(hours) + "h";
    if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
    return out + seconds + "s";
}

std::string go_labels(const std::map<std::string, std::string>& labels) {
    std::string out = "{";
    for (const auto& [name, value] : labels) {
        if (out.size() > 1) out += ", ";
        out += name + "=" + tmpl::go_quote(value);
    }
    return out + "}";
}

std::string go_labels(const promql::Labels& labels) {
    return go_labels(labels_map(labels));
}

std::string go_float_upper_e(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
    std::string out(buf, end);
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace stackwatch::rules
