#include "ruler/promql/value.hpp"

#include <cstdio>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>

namespace stackwatch::promql {

namespace {

const std::string kEmpty;

void normalize(std::vector<Label>& labels) {
    std::erase_if(labels, [](const Label& l) { return l.value.empty(); });
    // Later duplicates win, matching how a label set is built up by successive set() calls.
    std::stable_sort(labels.begin(), labels.end(),
                     [](const Label& a, const Label& b) { return a.name < b.name; });
    auto last = std::unique(labels.rbegin(), labels.rend(),
                            [](const Label& a, const Label& b) { return a.name == b.name; });
    labels.erase(labels.begin(), last.base());
}


}  // namespace

Labels::Labels(std::initializer_list<Label> labels) : labels_(labels) {
    normalize(labels_);
}

Labels::Labels(std::vector<Label> labels) : labels_(std::move(labels)) {
    normalize(labels_);
}

const std::string& Labels::get(std::string_view name) const {
    auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                               [](const Label& l, std::string_view n) { return l.name < n; });
    return it != labels_.end() && it->name == name ? it->value : kEmpty;
}

bool Labels::has(std::string_view name) const {
    return !get(name).empty();
}

void Labels::set(std::string_view name, std::string value) {
    auto it = std::lower_bound(labels_.begin(), labels_.end(), name,
                               [](const Label& l, std::string_view n) { return l.name < n; });
    bool found = it != labels_.end() && it->name == name;
    if (value.empty()) {
        if (found) labels_.erase(it);
    } else if (found) {
        it->value = std::move(value);
    } else {
        labels_.insert(it, Label{std::string(name), std::move(value)});
    }
}

void Labels::erase(std::string_view name) {
    set(name, "");
}

Labels Labels::without_metric_name() const {
    Labels copy = *this;
    copy.erase(kMetricName);
    return copy;
}

std::uint64_t Labels::hash() const {
    // FNV-1a over name/value pairs with separators that cannot appear in valid UTF-8.
    std::uint64_t h = 14695981039346656037ULL;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;
        h *= 1099511628211ULL;
    };
    for (const auto& l : labels_) {
        mix(l.name);
        mix(l.value);
    }
    return h;
}

std::string Labels::to_string() const {
    std::string out = get(kMetricName);
    out += '{';
    bool first = true;
    for (const auto& l : labels_) {
        if (l.name == kMetricName) continue;
        if (!first) out += ", ";
        first = false;
        out += l.name;
        out += '=';
        out += go_quote(l.value);
    }
    out += '}';
    return out;
}

bool is_valid_label_name(std::string_view name) {
    if (name.empty()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
        auto c = static_cast<unsigned char>(name[i]);
        if (!(std::isalpha(c) || c == '_' || (i > 0 && std::isdigit(c)))) return false;
    }
    return true;
}

double stale_marker() {
    return std::bit_cast<double>(std::uint64_t{0x7ff0000000000002ULL});
}

bool is_stale_marker(double v) {
    return std::bit_cast<std::uint64_t>(v) == std::uint64_t{0x7ff0000000000002ULL};
}

std::string format_float(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[400];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
    return std::string(buf, end);
}

std::string go_quote(std::string_view text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\t': out += "\\t"; break;
            case '\r': out += "\\r"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\x%02x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

}  // namespace stackwatch::promql
