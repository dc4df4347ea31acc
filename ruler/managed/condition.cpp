#include "ruler/managed/condition.hpp"

#include <re2/re2.h>

#include <map>

#include "ruler/promql/ast.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::managed {
namespace {

struct Metric {
    std::string expr;   // {W}: the window, "15m"
    bool held = false;  // an instantaneous value, so the window is a `for:`
};

const std::map<std::string, Metric>& metrics() {
    static const std::map<std::string, Metric> table = {
        {"error_rate",
         {"100 * sum(rate(http_requests_total{status=~\"5..\"}[{W}])) / "
          "sum(rate(http_requests_total[{W}]))"}},
        {"latency_p95",
         {"histogram_quantile(0.95, sum by (le) "
          "(rate(http_request_duration_seconds_bucket[{W}])))"}},
        {"latency_p99",
         {"histogram_quantile(0.99, sum by (le) "
          "(rate(http_request_duration_seconds_bucket[{W}])))"}},
        {"availability", {"100 * avg(avg_over_time(up[{W}]))"}},
        {"cpu_usage", {"100 * avg(rate(process_cpu_seconds_total[{W}]))"}},
        {"db_connections",
         {"100 * sum(pg_stat_database_numbackends) / max(pg_settings_max_connections)", true}},
        {"redis_memory_usage",
         {"100 * max(redis_memory_used_bytes / (redis_memory_max_bytes > 0))", true}},
    };
    return table;
}

std::string number_text(double v) {
    return promql::format_float(v);
}

bool has_top_comparison(const std::string& expr) {
    auto node = promql::parse(expr);
    const auto* binary = std::get_if<promql::BinaryExpr>(&node->node);
    return binary != nullptr && promql::is_comparison(binary->op);
}

}  // namespace

AlertExpression condition_to_promql(const ApiRule& rule) {
    std::string window = std::to_string(rule.time_window_minutes) + "m";
    static const RE2 shorthand(
        R"(\s*([a-z_0-9]+)\s*(>=|<=|==|!=|>|<)\s*(-?[0-9]+(?:\.[0-9]+)?)?\s*(%|ms|s)?\s*)");
    std::string name, op, number, unit;
    if (RE2::FullMatch(rule.condition, shorthand, &name, &op, &number, &unit) &&
        metrics().contains(name)) {
        std::optional<double> value;
        if (!number.empty()) value = std::stod(number);
        if (value && unit == "ms") *value /= 1000;
        if (value && rule.threshold && *rule.threshold != std::stod(number))
            throw InvalidRule("threshold " + number_text(*rule.threshold) +
                              " disagrees with the condition's " + number);
        if (!value) value = rule.threshold;
        if (!value) throw InvalidRule("threshold is required when the condition has no number");
        const auto& metric = metrics().at(name);
        std::string expr = metric.expr;
        for (std::size_t at; (at = expr.find("{W}")) != std::string::npos;)
            expr.replace(at, 3, window);
        return {expr + " " + op + " " + number_text(*value), metric.held ? window : ""};
    }
    std::string expr = rule.condition;
    try {
        if (!has_top_comparison(expr)) {
            if (!rule.threshold)
                throw InvalidRule(
                    "condition is neither one of error_rate, latency_p95, latency_p99, "
                    "availability, cpu_usage, db_connections, redis_memory_usage with a "
                    "comparison, nor a PromQL comparison; give a threshold to compare it with");
            expr = "(" + expr + ") > " + number_text(*rule.threshold);
        }
        promql::parse(expr);
    } catch (const promql::ParseError& e) {
        throw InvalidRule("condition is not a known metric comparison nor valid PromQL: " +
                          std::string(e.what()));
    }
    return {expr, window};
}

}  // namespace stackwatch::managed
