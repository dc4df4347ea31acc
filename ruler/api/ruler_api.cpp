#include "ruler/api/ruler_api.hpp"

#include <prometheus/text_serializer.h>

#include <cmath>
#include <sstream>

#include "ruler/promql/engine.hpp"
#include "ruler/promql/labels_json.hpp"

namespace stackwatch::ruler {
namespace {

nlohmann::json sample_pair(promql::Timestamp t, double v) {
    return nlohmann::json::array({static_cast<double>(t) / 1000.0, promql::format_float(v)});
}

nlohmann::json value_json(const promql::Value& value) {
    return std::visit(
        [](const auto& v) -> nlohmann::json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, promql::Scalar>) {
                return {{"resultType", "scalar"}, {"result", sample_pair(v.t, v.v)}};
            } else if constexpr (std::is_same_v<T, promql::String>) {
                return {
                    {"resultType", "string"},
                    {"result", nlohmann::json::array({static_cast<double>(v.t) / 1000.0, v.v})}};
            } else if constexpr (std::is_same_v<T, promql::Vector>) {
                nlohmann::json result = nlohmann::json::array();
                for (const auto& s : v)
                    result.push_back({{"metric", promql::labels_json(s.labels)},
                                      {"value", sample_pair(s.t, s.v)}});
                return {{"resultType", "vector"}, {"result", result}};
            } else {
                nlohmann::json result = nlohmann::json::array();
                for (const auto& series : v) {
                    nlohmann::json values = nlohmann::json::array();
                    for (const auto& sample : series.samples)
                        values.push_back(sample_pair(sample.t, sample.v));
                    result.push_back(
                        {{"metric", promql::labels_json(series.labels)}, {"values", values}});
                }
                return {{"resultType", "matrix"}, {"result", result}};
            }
        },
        value);
}

// Prometheus accepts RFC 3339 or Unix seconds; we take Unix seconds, as its clients send.
std::optional<promql::Timestamp> parse_time(const std::string& text) {
    try {
        size_t used = 0;
        double seconds = std::stod(text, &used);
        if (used == text.size() && std::isfinite(seconds))
            return static_cast<promql::Timestamp>(std::llround(seconds * 1000));
    } catch (const std::exception&) {
    }
    return std::nullopt;
}

}  // namespace

http::Response api_success(const nlohmann::json& data) {
    return http::Response::json({{"status", "success"}, {"data", data}});
}

http::Response api_error(int status, const std::string& type, const std::string& message) {
    return http::Response::json({{"status", "error"}, {"errorType", type}, {"error", message}},
                                status);
}

void register_api(http::Server& server, ApiDeps deps,
                  std::shared_ptr<const http::Authenticator> token) {
    auto shared = std::make_shared<ApiDeps>(std::move(deps));
    http::RouteOptions guarded{.auth = token, .role = http::Role::viewer};
    http::RouteOptions administering{.auth = token, .role = http::Role::admin};
    server.route(
        "GET", "/api/v1/rules",
        [shared](const http::Request&) { return api_success(shared->rules.rules_json()); },
        guarded);
    server.route(
        "GET", "/api/v1/alerts",
        [shared](const http::Request&) { return api_success(shared->rules.alerts_json()); },
        guarded);
    server.route(
        "GET", "/api/v1/targets",
        [shared](const http::Request&) { return api_success(shared->scrapes.targets_json()); },
        guarded);
    auto query = [shared](const http::Request& request) {
        auto params = http::parse_query(request.query_string);
        if (request.method == "POST") {
            auto form = http::parse_query(request.body);
            params.insert(params.end(), form.begin(), form.end());
        }
        std::string expr;
        std::optional<promql::Timestamp> t =
            std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::system_clock::now().time_since_epoch())
                .count();
        for (const auto& [key, value] : params) {
            if (key == "query") expr = value;
            if (key == "time") t = parse_time(value);
        }
        if (expr.empty()) return api_error(400, "bad_data", "missing parameter 'query'");
        if (!t)
            return api_error(400, "bad_data", "invalid parameter 'time': expected Unix seconds");
        try {
            return api_success(value_json(shared->data.query(expr, *t)));
        } catch (const promql::ParseError& e) {
            return api_error(400, "bad_data", e.what());
        } catch (const std::exception& e) {
            return api_error(422, "execution", e.what());
        }
    };
    server.route("GET", "/api/v1/query", query, guarded);
    server.route("POST", "/api/v1/query", query, guarded);
    server.route(
        "POST", "/-/reload",
        [shared](const http::Request&) {
            auto errors = shared->reload();
            if (errors.empty()) return http::Response::json({{"status", "success"}});
            nlohmann::json body = {
                {"status", "error"},
                {"error", "reload failed; the previous configuration stays active"},
                {"errors", errors}};
            return http::Response::json(body, 400);
        },
        administering);
    server.route("GET", "/-/healthy",
                 [](const http::Request&) { return http::Response::text("Healthy.\n"); });
    server.route("GET", "/-/ready",
                 [](const http::Request&) { return http::Response::text("Ready.\n"); });
    server.route("GET", "/metrics", [shared](const http::Request&) {
        std::ostringstream out;
        prometheus::TextSerializer().Serialize(out, shared->registry->Collect());
        return http::Response::text(out.str(), 200, "text/plain; version=0.0.4; charset=utf-8");
    });
}

}  // namespace stackwatch::ruler
