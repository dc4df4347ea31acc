#include "ruler/notify/notifier.hpp"

#include <algorithm>

namespace stackwatch::notify {

void NotificationData::drop_resolved() {
    std::erase_if(alerts, [&](const Alert& a) { return a.resolved_at(now); });
}

bool NotificationData::firing() const {
    return firing_count() > 0;
}

std::size_t NotificationData::firing_count() const {
    return static_cast<std::size_t>(std::count_if(
        alerts.begin(), alerts.end(), [&](const Alert& a) { return !a.resolved_at(now); }));
}

std::size_t NotificationData::resolved_count() const {
    return alerts.size() - firing_count();
}

promql::Labels NotificationData::common_labels() const {
    if (alerts.empty()) return {};
    std::vector<promql::Label> common;
    for (const auto& label : alerts.front().labels) {
        bool shared = std::all_of(alerts.begin() + 1, alerts.end(), [&](const Alert& a) {
            return a.labels.get(label.name) == label.value;
        });
        if (shared) common.push_back(label);
    }
    return promql::Labels(std::move(common));
}

std::map<std::string, std::string> NotificationData::common_annotations() const {
    std::map<std::string, std::string> common;
    if (alerts.empty()) return common;
    // By entry, not structured binding: clang 14 cannot capture a binding in a lambda.
    for (const auto& entry : alerts.front().annotations) {
        bool shared = std::all_of(alerts.begin() + 1, alerts.end(), [&](const Alert& a) {
            auto found = a.annotations.find(entry.first);
            return found != a.annotations.end() && found->second == entry.second;
        });
        if (shared) common[entry.first] = entry.second;
    }
    return common;
}

}  // namespace stackwatch::notify
