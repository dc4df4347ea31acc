#include "ruler/datasource/remote_datasource.hpp"

#include <strings.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/failure_report.hpp"
#include "common/http_client.hpp"
#include "common/redact.hpp"
#include "ruler/scrape/text_parser.hpp"

namespace stackwatch::datasource {
namespace {

using nlohmann::json;

// The API's time parameter: Unix seconds with millisecond precision.
std::string api_time(promql::Timestamp t) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3f", static_cast<double>(t) / 1000);
    return text;
}

promql::Timestamp api_timestamp(const json& seconds) {
    return std::llround(seconds.get<double>() * 1000);
}

// Sample values travel as strings so that "NaN", "+Inf" and "-Inf" survive JSON.
double api_value(const json& value) {
    const auto& text = value.get_ref<const std::string&>();
    double out = 0;
    if (!scrape::parse_sample_value(text, out))
        throw QueryError("malformed query response: invalid sample value \"" + text + "\"");
    return out;
}

promql::Labels api_labels(const json& metric) {
    std::vector<promql::Label> labels;
    for (const auto& [name, value] : metric.items())
        labels.push_back(promql::Label{name, value.get<std::string>()});
    return promql::Labels(std::move(labels));
}

promql::Value parse_result(const std::string& type, const json& result) {
    if (type == "vector") {
        promql::Vector vector;
        for (const auto& sample : result) {
            const json& pair = sample.at("value");
            vector.push_back(promql::VectorSample{
                api_labels(sample.at("metric")), api_timestamp(pair.at(0)), api_value(pair.at(1))});
        }
        return vector;
    }
    if (type == "scalar")
        return promql::Scalar{api_timestamp(result.at(0)), api_value(result.at(1))};
    if (type == "string")
        return promql::String{api_timestamp(result.at(0)), result.at(1).get<std::string>()};
    if (type == "matrix") {
        promql::Matrix matrix;
        for (const auto& series : result) {
            promql::Series out{api_labels(series.at("metric")), {}};
            for (const auto& pair : series.at("values"))
                out.samples.push_back(
                    promql::Sample{api_timestamp(pair.at(0)), api_value(pair.at(1))});
            matrix.push_back(std::move(out));
        }
        return matrix;
    }
    throw QueryError("malformed query response: unknown resultType \"" + type + "\"");
}

// "errorType: error" from an API error body, or the start of whatever else came back.
std::string error_detail(const std::string& body) {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_string())
        return doc.value("errorType", std::string("error")) + ": " +
               doc["error"].get<std::string>();
    constexpr std::size_t kMax = 200;
    return redact(body.size() > kMax ? body.substr(0, kMax) + "..." : body);
}

}  // namespace

promql::Value parse_query_response(std::string_view body) {
    json doc = json::parse(body, nullptr, false);
    if (doc.is_discarded()) throw QueryError("malformed query response: not JSON");
    try {
        const auto status = doc.at("status").get<std::string>();
        if (status == "error") throw QueryError(error_detail(std::string(body)));
        if (status != "success")
            throw QueryError("malformed query response: status \"" + status + "\"");
        const json& data = doc.at("data");
        return parse_result(data.at("resultType").get<std::string>(), data.at("result"));
    } catch (const json::exception& e) {
        throw QueryError(std::string("malformed query response: ") + e.what());
    }
}

RemoteDatasourceConfig parse_remote_datasource_config(const ConfigNode& section) {
    section.require_map();
    section.allow_keys(
        {"type", "url", "method", "headers", "basic_auth", "authorization", "timeout"});
    if (std::string type = section.require_string("type"); type != "remote")
        section["type"].fail("must be remote for a remote datasource, got \"" + type + "\"");
    RemoteDatasourceConfig config;
    config.url = section.require_string("url");
    if (!config.url.starts_with("http://") && !config.url.starts_with("https://"))
        section["url"].fail("must be an http:// or https:// URL");
    while (config.url.ends_with('/')) config.url.pop_back();
    config.method = section.get_string("method", config.method);
    if (config.method != "GET" && config.method != "POST")
        section["method"].fail("must be GET or POST, got \"" + config.method + "\"");
    for (const auto& [name, value] : section["headers"].entries()) {
        // One place for credentials, so they are never logged as a plain header (config.go's
        // validateHeaders says the same).
        if (name.size() == 13 && strncasecmp(name.c_str(), "authorization", 13) == 0)
            value.fail(
                "authorization header must be changed via the basic_auth or authorization "
                "parameter");
        config.headers.emplace_back(name, value.as_string());
    }
    config.auth = scrape::parse_http_auth(section);
    config.timeout = section.get_duration("timeout", config.timeout);
    if (config.timeout.count() <= 0) section["timeout"].fail("must be greater than 0");
    return config;
}

RemoteDatasource::RemoteDatasource(RemoteDatasourceConfig config) : config_(std::move(config)) {}

std::string RemoteDatasource::describe() const {
    return redact(config_.url);
}

promql::Value RemoteDatasource::query(const std::string& expr, promql::Timestamp t) {
    const std::string params = scrape::encode_query({{"query", expr}, {"time", api_time(t)}});
    http::ClientRequest request;
    request.method = config_.method;
    request.url = config_.url + "/api/v1/query";
    request.timeout = config_.timeout;
    request.accept_gzip = true;
    request.headers = config_.headers;
    if (config_.method == "GET") {
        request.url += "?" + params;
    } else {
        request.body = params;
        request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    }
    const std::string where = "remote query to " + describe() + ": ";
    try {
        config_.auth.apply(request);
    } catch (const std::runtime_error& e) {
        throw QueryError(where + e.what());
    }
    const http::ClientResponse response = http::perform(request);
    if (!response.ok())
        report_failure({.fingerprint = http_failure_fingerprint(response.status, response.error),
                        .type = "DatasourceError",
                        .message = response.error.empty()
                                       ? "HTTP " + std::to_string(response.status)
                                       : response.error,
                        .context = {{"datasource", describe()}}});
    if (!response.error.empty()) throw QueryError(where + response.error);
    // Prometheus explains its 4xx/5xx answers in the same JSON shape; the status alone says less.
    if (!response.ok())
        throw QueryError(where + "HTTP " + std::to_string(response.status) + ": " +
                         error_detail(response.body));
    try {
        return parse_query_response(response.body);
    } catch (const QueryError& e) {
        throw QueryError(where + e.what());
    }
}

}  // namespace stackwatch::datasource
