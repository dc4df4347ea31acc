#pragma once
// What recording and alerting rules share: an expression evaluated at a timestamp through a
// Datasource, and the health the API reports (ok/err/unknown, last error, duration, time).

#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "ruler/datasource/datasource.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::rules {

enum class RuleHealth { unknown, ok, err };
const char* health_name(RuleHealth health);  // "unknown", "ok", "err" as in /api/v1/rules

// A rule's evaluation failed; the group records the message and carries on with the next rule.
class RuleError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Rule {
  public:
    Rule(std::string name, std::string expr, promql::Labels labels);
    virtual ~Rule() = default;
    Rule(const Rule&) = delete;
    Rule& operator=(const Rule&) = delete;

    const std::string& name() const { return name_; }
    const std::string& expr() const { return expr_; }
    const promql::Labels& labels() const { return labels_; }
    // The expression as Prometheus prints it back (canonical PromQL), for the API.
    const std::string& query() const { return query_; }

    // The samples to append at t. Throws (RuleError, QueryError, ParseError) on failure.
    // `limit` > 0 caps the series (recording) or alerts (alerting) of one evaluation.
    virtual promql::Vector eval(promql::Timestamp t, datasource::Datasource& data, int limit) = 0;
    // The rule in /api/v1/rules shape.
    virtual nlohmann::json to_json() const = 0;

    void record_evaluation(promql::Timestamp started_at, std::chrono::nanoseconds duration,
                           const std::optional<std::string>& error);
    RuleHealth health() const;
    std::optional<std::string> last_error() const;
    std::chrono::nanoseconds evaluation_duration() const;
    std::optional<promql::Timestamp> last_evaluation() const;

  protected:
    // The shared part of the API shape: health, lastError, evaluationTime, lastEvaluation.
    void add_status_json(nlohmann::json& out) const;

  private:
    std::string name_;
    std::string expr_;
    std::string query_;
    promql::Labels labels_;
    mutable std::mutex mutex_;  // the API reads status while the group evaluates
    RuleHealth health_ = RuleHealth::unknown;
    std::optional<std::string> last_error_;
    std::chrono::nanoseconds duration_{0};
    std::optional<promql::Timestamp> last_evaluation_;
};

// Runs an instant query and returns its vector, a scalar as a one-sample vector without labels.
promql::Vector query_vector(datasource::Datasource& data, const std::string& expr,
                            promql::Timestamp t);

// An evaluation error's text as Prometheus prints it ("1:7: parse error: ..." for bad syntax).
std::string error_message(const std::exception& e);

std::map<std::string, std::string> labels_map(const promql::Labels& labels);
promql::Labels labels_from_map(const std::map<std::string, std::string>& map);
// Go's time.Time JSON form (RFC 3339, nanoseconds trimmed); the zero time when unset.
std::string format_rfc3339(std::optional<promql::Timestamp> t);

}  // namespace stackwatch::rules
