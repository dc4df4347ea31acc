#pragma once
// Which INFO fields become metrics, under redis_exporter's names and types, so its dashboards
// and alerts work unchanged against stackwatch.

#include <string_view>

namespace stackwatch::exporter::redis {

struct InfoField {
    std::string_view metric;  // without the "redis_" prefix
    bool counter;
};

// nullptr for fields that are not exported one to one.
const InfoField* find_info_field(std::string_view key);

}  // namespace stackwatch::exporter::redis
