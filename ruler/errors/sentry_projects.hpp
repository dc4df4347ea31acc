#pragma once
// The Sentry projects whose DSNs may report here, from ruler.yml:
//
//   error_tracking:
//     sentry_projects:
//     - {id: 42, public_key: 9f2c..., service: shop}   # DSN http://9f2c...@ruler:19090/42
//
// Replaced whole on reload; looked up by every Sentry request.

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace stackwatch::errors {

struct SentryProject {
    std::string id;
    std::string public_key;
    std::string service;  // the occurrences' service unless their `service` tag says otherwise
};

// Throws ConfigError naming file:line and the key.
std::vector<SentryProject> parse_sentry_projects(const ConfigNode& node);

class SentryProjects {
  public:
    void set(std::vector<SentryProject> projects);
    // The project when the key is its public key (compared in constant time).
    std::optional<SentryProject> find(const std::string& id, const std::string& key) const;

  private:
    mutable std::mutex mutex_;
    std::vector<SentryProject> projects_;
};

}  // namespace stackwatch::errors
