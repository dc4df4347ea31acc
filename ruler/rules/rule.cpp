#include "ruler/rules/rule.hpp"

#include <ctime>

#include "ruler/promql/engine.hpp"
#include "ruler/rules/go_format.hpp"

namespace stackwatch::rules {

const char* health_name(RuleHealth health) {
    switch (health) {
        case RuleHealth::ok:
            return "ok";
        case RuleHealth::err:
            return "err";
        case RuleHealth::unknown:
            break;
    }
    return "unknown";
}

Rule::Rule(std::string name, std::string expr, promql::Labels labels)
    : name_(std::move(name)), expr_(std::move(expr)), labels_(std::move(labels)) {
    try {
        query_ = promql::to_string(*promql::parse(expr_));
    } catch (const promql::ParseError&) {
        query_ =
            expr_;  // loading validated it; a remote datasource may still accept what we cannot
    }
}

void Rule::record_evaluation(promql::Timestamp started_at, std::chrono::nanoseconds duration,
                             const std::optional<std::string>& error) {
    std::lock_guard lock(mutex_);
    health_ = error ? RuleHealth::err : RuleHealth::ok;
    last_error_ = error;
    duration_ = duration;
    last_evaluation_ = started_at;
}

RuleHealth Rule::health() const {
    std::lock_guard lock(mutex_);
    return health_;
}

std::optional<std::string> Rule::last_error() const {
    std::lock_guard lock(mutex_);
    return last_error_;
}

std::chrono::nanoseconds Rule::evaluation_duration() const {
    std::lock_guard lock(mutex_);
    return duration_;
}

std::optional<promql::Timestamp> Rule::last_evaluation() const {
    std::lock_guard lock(mutex_);
    return last_evaluation_;
}

void Rule::add_status_json(nlohmann::json& out) const {
    std::lock_guard lock(mutex_);
    out["health"] = health_name(health_);
    if (last_error_) out["lastError"] = *last_error_;
    out["evaluationTime"] = std::chrono::duration<double>(duration_).count();
    out["lastEvaluation"] = format_rfc3339(last_evaluation_);
}

promql::Vector query_vector(datasource::Datasource& data, const std::string& expr,
                            promql::Timestamp t) {
    promql::Value value = data.query(expr, t);
    if (auto* vector = std::get_if<promql::Vector>(&value)) return std::move(*vector);
    if (const auto* scalar = std::get_if<promql::Scalar>(&value))
        return {promql::VectorSample{.labels = {}, .t = scalar->t, .v = scalar->v}};
    throw RuleError("rule result is not a vector or scalar");
}

std::string error_message(const std::exception& e) {
    if (const auto* parse = dynamic_cast<const promql::ParseError*>(&e))
        return std::to_string(parse->line()) + ":" + std::to_string(parse->column()) +
               ": parse error: " + parse->detail();
    return e.what();
}

std::map<std::string, std::string> labels_map(const promql::Labels& labels) {
    std::map<std::string, std::string> out;
    for (const auto& l : labels) out[l.name] = l.value;
    return out;
}

promql::Labels labels_from_map(const std::map<std::string, std::string>& map) {
    std::vector<promql::Label> out;
    for (const auto& [name, value] : map) out.push_back({name, value});
    return promql::Labels(std::move(out));
}

std::string format_rfc3339(std::optional<promql::Timestamp> t) {
    if (!t) return "0001-01-01T00:00:00Z";
    return go_utc_time(*t, "%Y-%m-%dT%H:%M:%S") + "Z";
}

}  // namespace stackwatch::rules
