#include "ruler/errors/sentry_projects.hpp"

#include <set>

#include "common/auth.hpp"

namespace stackwatch::errors {

std::vector<SentryProject> parse_sentry_projects(const ConfigNode& node) {
    std::vector<SentryProject> projects;
    std::set<std::string> ids;
    for (const auto& item : node.items()) {
        item.require_map();
        item.allow_keys({"id", "public_key", "service"});
        SentryProject project{item.require_string("id"), item.require_string("public_key"),
                              item.get_string("service", "")};
        if (project.public_key.size() < 16)
            item["public_key"].fail(
                "must be at least 16 characters (a DSN's key is 32 hex digits)");
        if (!ids.insert(project.id).second)
            item["id"].fail("project " + project.id + " is listed twice");
        projects.push_back(std::move(project));
    }
    return projects;
}

void SentryProjects::set(std::vector<SentryProject> projects) {
    std::lock_guard lock(mutex_);
    projects_ = std::move(projects);
}

std::optional<SentryProject> SentryProjects::find(const std::string& id,
                                                  const std::string& key) const {
    std::lock_guard lock(mutex_);
    for (const auto& project : projects_)
        if (project.id == id && constant_time_equals(key, project.public_key)) return project;
    return std::nullopt;
}

}  // namespace stackwatch::errors
