#include "ruler/notify/alert.hpp"

#include <algorithm>
#include <cstdio>

namespace stackwatch::notify {
namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;
constexpr unsigned char kSeparator = 0xff;

std::uint64_t fnv_add(std::uint64_t h, std::string_view text) {
    for (unsigned char c : text) h = (h ^ c) * kFnvPrime;
    return h;
}

// model.LabelSet.Before: the shorter set first, then the first differing name or value.
bool label_set_before(const promql::Labels& a, const promql::Labels& b) {
    if (a.size() != b.size()) return a.size() < b.size();
    std::vector<std::string_view> names;
    for (const auto& l : a) names.push_back(l.name);
    for (const auto& l : b) names.push_back(l.name);
    std::stable_sort(names.begin(), names.end());
    for (auto name : names) {
        if (!a.has(name)) return true;
        if (!b.has(name)) return false;
        const auto& av = a.get(name);
        const auto& bv = b.get(name);
        if (av != bv) return av < bv;
    }
    return false;
}

}  // namespace

Fingerprint fingerprint_of(const promql::Labels& labels) {
    std::uint64_t h = kFnvOffset;
    for (const auto& label : labels) {
        h = fnv_add(h, label.name);
        h = (h ^ kSeparator) * kFnvPrime;
        h = fnv_add(h, label.value);
        h = (h ^ kSeparator) * kFnvPrime;
    }
    return h;
}

Fingerprint Alert::fingerprint() const {
    return fingerprint_of(labels);
}

std::string fingerprint_text(Fingerprint fp) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fp));
    return buf;
}

Alert merge(const Alert& older, const Alert& younger) {
    if (younger.updated_at < older.updated_at) return merge(younger, older);
    Alert result = younger;
    if (older.starts_at < younger.starts_at) result.starts_at = older.starts_at;
    auto ends_later = [](const std::optional<TimePoint>& a, const std::optional<TimePoint>& b) {
        // Go's zero time is before every real one.
        return a && (!b || *a > *b);
    };
    auto now = Clock::now();
    if (younger.resolved_at(now)) {
        // Of two resolutions the latest explicit one wins.
        if (older.resolved_at(now) && ends_later(older.ends_at, younger.ends_at))
            result.ends_at = older.ends_at;
    } else if (ends_later(older.ends_at, younger.ends_at) && !older.timeout) {
        result.ends_at = older.ends_at;
        result.timeout = false;
    }
    return result;
}

bool overlaps(const Alert& held, const Alert& incoming) {
    auto held_end = held.ends_at.value_or(TimePoint::max());
    bool ends_inside = incoming.ends_at && *incoming.ends_at > held.starts_at &&
                       *incoming.ends_at < held_end;
    bool starts_inside = incoming.starts_at > held.starts_at && incoming.starts_at < held_end;
    return ends_inside || starts_inside;
}

std::string alert_id(const Alert& alert) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        alert.starts_at.time_since_epoch());
    return fingerprint_text(alert.fingerprint()) + "-" + std::to_string(ms.count());
}

void sort_for_notification(std::vector<Alert>& alerts) {
    std::stable_sort(alerts.begin(), alerts.end(), [](const Alert& a, const Alert& b) {
        for (const char* key : {"job", "instance"}) {
            bool a_has = a.labels.has(key), b_has = b.labels.has(key);
            if (!a_has && !b_has) continue;
            if (!a_has) return false;
            if (!b_has) return true;
            if (a.labels.get(key) != b.labels.get(key))
                return a.labels.get(key) < b.labels.get(key);
        }
        return label_set_before(a.labels, b.labels);
    });
}

std::string label_set_text(const promql::Labels& labels) {
    std::string out = "{";
    for (const auto& label : labels) {
        if (out.size() > 1) out += ", ";
        out += label.name + "=" + promql::go_quote(label.value);
    }
    return out + "}";
}

}  // namespace stackwatch::notify
