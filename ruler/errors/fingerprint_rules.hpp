#pragma once
// Server-side fingerprint rules (Sentry's fingerprint rules as the model), from ruler.yml's
// error_tracking.fingerprint_rules: each has globs over an occurrence's fields and the
// fingerprint (and optionally title) it gives; the first rule that matches wins.
//
//   fingerprint_rules:
//   - match: {type: "ConnectionError", message: "*ECONNREFUSED*"}
//     fingerprint: [database, connection, refused]
//   - match: {service: billing, message: "*timeout*"}
//     fingerprint: ["external:billing", "{{ default }}"]

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/config.hpp"
#include "ruler/errors/error_event.hpp"
#include "ruler/errors/glob.hpp"

namespace stackwatch::errors {

struct FingerprintRule {
    std::vector<std::pair<std::string, Glob>> match;  // field, glob; all must match
    std::vector<std::string> fingerprint;
    std::string title;  // empty: the occurrence's own
};

class FingerprintRules {
  public:
    FingerprintRules() = default;
    explicit FingerprintRules(std::vector<FingerprintRule> rules) : rules_(std::move(rules)) {}
    // Throws ConfigError naming file:line and the field.
    static FingerprintRules parse(const ConfigNode& node);

    // Sets the event's fingerprint and title: a rule's, else the sender's parts, else the default.
    void apply(ErrorEvent& event) const;
    std::size_t size() const { return rules_.size(); }

  private:
    const FingerprintRule* first_match(const ErrorEvent& event) const;
    std::vector<FingerprintRule> rules_;
};

// The fields a rule can match: type, message, level, service, environment, release, source,
// and "frame" (any frame's function or file).
bool matches_field(const ErrorEvent& event, const std::string& field, const Glob& glob);

}  // namespace stackwatch::errors
