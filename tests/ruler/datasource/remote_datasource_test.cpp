#include "ruler/datasource/remote_datasource.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <condition_variable>
#include <mutex>

#include "common/failure_report.hpp"
#include "common/http_server.hpp"
#include "tests/support/ports.hpp"

using namespace stackwatch;
using namespace stackwatch::datasource;
using namespace std::chrono_literals;

namespace {

// A query API that answers with whatever the test sets, and remembers the last request.
class CannedQueryApi {
  public:
    CannedQueryApi() {
        for (const char* method : {"GET", "POST"}) {
            server_.route(method, "/prefix/api/v1/query", [this](const http::Request& request) {
                std::unique_lock lock(mutex_);
                last_ = request;
                released_.wait(lock, [this] { return !holding_; });
                return http::Response::text(body_, status_, "application/json");
            });
        }
        server_.start();
        url_ = "http://127.0.0.1:" + std::to_string(server_.ports()[0]) + "/prefix";
    }
    ~CannedQueryApi() {
        release();
        server_.stop();
    }
    const std::string& url() const { return url_; }
    void answer(std::string body, int status = 200) {
        std::lock_guard lock(mutex_);
        body_ = std::move(body);
        status_ = status;
    }
    void hold() {
        std::lock_guard lock(mutex_);
        holding_ = true;
    }
    void release() {
        std::lock_guard lock(mutex_);
        holding_ = false;
        released_.notify_all();
    }
    http::Request last() {
        std::lock_guard lock(mutex_);
        return last_;
    }

  private:
    std::mutex mutex_;
    std::condition_variable released_;
    std::string body_ = R"({"status":"success","data":{"resultType":"vector","result":[]}})";
    int status_ = 200;
    bool holding_ = false;
    http::Request last_;
    std::string url_;
    http::Server server_{{.listen_addresses = {"127.0.0.1:0"}, .threads = 4}};
};

RemoteDatasource remote(const std::string& yaml) {
    return RemoteDatasource(
        parse_remote_datasource_config(ConfigNode::load_string(yaml, "ruler.yml")));
}

std::string error_of(Datasource& source, const std::string& expr = "up") {
    try {
        source.query(expr, 1700000000123);
    } catch (const QueryError& e) {
        return e.what();
    }
    return "<no error>";
}

std::string config_error(const std::string& yaml) {
    try {
        parse_remote_datasource_config(ConfigNode::load_string(yaml, "ruler.yml"));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(remote_datasource)

BOOST_AUTO_TEST_CASE(posts_query_and_time_with_headers_and_basic_auth) {
    CannedQueryApi api;
    auto source = remote("type: remote\nurl: " + api.url() +
                         "/\nheaders: {X-Scope-OrgID: tenant-1}\n"
                         "basic_auth: {username: ruler, password: pw}\n");
    source.query("up{job=\"a b\"}", 1700000000123);
    auto request = api.last();
    BOOST_TEST(request.method == "POST");
    BOOST_TEST(request.body == "query=up%7Bjob%3D%22a%20b%22%7D&time=1700000000.123");
    BOOST_TEST(request.header("content-type").value_or("") == "application/x-www-form-urlencoded");
    BOOST_TEST(request.header("x-scope-orgid").value_or("") == "tenant-1");
    BOOST_TEST(request.header("authorization").value_or("") == "Basic cnVsZXI6cHc=");
    BOOST_TEST(source.describe() == api.url());
}

BOOST_AUTO_TEST_CASE(gets_with_a_bearer_token) {
    CannedQueryApi api;
    auto source = remote("type: remote\nurl: " + api.url() +
                         "\nmethod: GET\nauthorization: {credentials: tok}\ntimeout: 5s\n");
    source.query("sum(rate(x[5m]))", 1000);
    auto request = api.last();
    BOOST_TEST(request.method == "GET");
    BOOST_TEST(request.query_param("query").value_or("") == "sum(rate(x[5m]))");
    BOOST_TEST(request.query_param("time").value_or("") == "1.000");
    BOOST_TEST(request.header("authorization").value_or("") == "Bearer tok");
}

BOOST_AUTO_TEST_CASE(reads_every_result_type) {
    auto vector = std::get<promql::Vector>(parse_query_response(R"({"status":"success","data":{
        "resultType":"vector","result":[
          {"metric":{"__name__":"up","job":"a"},"value":[1700000000.123,"1"]},
          {"metric":{},"value":[1700000000.123,"NaN"]},
          {"metric":{"x":"y"},"value":[1700000000.5,"+Inf"]},
          {"metric":{"x":"z"},"value":[1700000000,"-Inf"]}]}})"));
    BOOST_REQUIRE(vector.size() == 4u);
    BOOST_TEST(vector[0].labels.to_string() == "up{job=\"a\"}");
    BOOST_TEST(vector[0].t == 1700000000123);
    BOOST_TEST(vector[0].v == 1);
    BOOST_TEST(std::isnan(vector[1].v));
    BOOST_TEST(vector[1].labels.empty());
    BOOST_TEST(vector[2].t == 1700000000500);
    BOOST_TEST((std::isinf(vector[2].v) && vector[2].v > 0));
    BOOST_TEST((std::isinf(vector[3].v) && vector[3].v < 0));

    auto scalar = std::get<promql::Scalar>(parse_query_response(
        R"({"status":"success","data":{"resultType":"scalar","result":[12.345,"2.5e-3"]}})"));
    BOOST_TEST(scalar.t == 12345);
    BOOST_TEST(scalar.v == 0.0025);

    auto text = std::get<promql::String>(parse_query_response(
        R"({"status":"success","data":{"resultType":"string","result":[1,"hello"]}})"));
    BOOST_TEST(text.v == "hello");
    BOOST_TEST(text.t == 1000);

    auto matrix = std::get<promql::Matrix>(parse_query_response(
        R"({"status":"success","data":{"resultType":"matrix","result":[
          {"metric":{"a":"b"},"values":[[1,"1"],[2,"2"],[3,"NaN"]]}]}})"));
    BOOST_REQUIRE(matrix.size() == 1u);
    BOOST_TEST(matrix[0].labels.get("a") == "b");
    BOOST_REQUIRE(matrix[0].samples.size() == 3u);
    BOOST_TEST(matrix[0].samples[1].t == 2000);
    BOOST_TEST(matrix[0].samples[1].v == 2);
    BOOST_TEST(std::isnan(matrix[0].samples[2].v));
}

BOOST_AUTO_TEST_CASE(turns_every_failure_into_a_query_error) {
    CannedQueryApi api;
    auto source = remote("type: remote\nurl: " + api.url() + "\n");
    struct Case {
        std::string body;
        int status;
        std::string message;
    };
    const std::vector<Case> cases = {
        {R"({"status":"error","errorType":"bad_data","error":"1:5: parse error: unclosed left parenthesis"})",
         400, "HTTP 400: bad_data: 1:5: parse error: unclosed left parenthesis"},
        {R"({"status":"error","errorType":"execution","error":"query timed out"})", 200,
         "execution: query timed out"},
        {"upstream overloaded", 503, "HTTP 503: upstream overloaded"},
        {"<html>", 200, "malformed query response: not JSON"},
        {R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"x"]}]}})",
         200, "invalid sample value \"x\""},
        {R"({"status":"success","data":{"resultType":"vector","result":[{"metric":{}}]}})", 200,
         "malformed query response"},
        {R"({"status":"success","data":{"resultType":"histogram","result":[]}})", 200,
         "unknown resultType \"histogram\""},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.body) {
            api.answer(c.body, c.status);
            std::string error = error_of(source);
            BOOST_TEST(error.find("remote query to " + api.url() + ": ") == 0u, error);
            BOOST_TEST(error.find(c.message) != std::string::npos, error);
        }
    }
}

BOOST_AUTO_TEST_CASE(times_out_on_a_slow_peer) {
    CannedQueryApi api;
    api.hold();
    auto source = remote("type: remote\nurl: " + api.url() + "\ntimeout: 200ms\n");
    std::string error = error_of(source);
    api.release();
    BOOST_TEST(error.find("Timeout was reached") != std::string::npos, error);
}

BOOST_AUTO_TEST_CASE(a_failed_peer_is_tracked_under_external) {
    std::vector<std::string> fingerprints;
    set_failure_sink([&](const Failure& f) { fingerprints.push_back(f.fingerprint); });
    CannedQueryApi api;
    auto source = remote("type: remote\nurl: " + api.url() + "\ntimeout: 200ms\n");
    api.answer("upstream overloaded", 503);
    error_of(source);
    api.answer(R"({"status":"success","data":{"resultType":"vector","result":[]}})", 200);
    error_of(source);  // an answer: nothing to track
    api.hold();
    error_of(source);
    api.release();
    set_failure_sink({});
    BOOST_TEST(fingerprints == (std::vector<std::string>{"external:http:503", "external:timeout"}));
}

BOOST_AUTO_TEST_CASE(never_shows_credentials_in_errors) {
    const std::string dead = "127.0.0.1:" + std::to_string(test::free_port());
    auto with_url_password = remote("type: remote\nurl: http://ruler:s3cret@" + dead + "\n");
    std::string error = error_of(with_url_password);
    BOOST_TEST(error.find("remote query to http://ruler:") == 0u, error);
    BOOST_TEST(error.find("onnect") != std::string::npos, error);
    BOOST_TEST(error.find("s3cret") == std::string::npos, error);
    BOOST_TEST(with_url_password.describe().find("s3cret") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_invalid_sections) {
    BOOST_TEST(config_error("type: embedded\nurl: http://x\n")
                   .find("ruler.yml:1:7: type: must be remote") == 0u);
    BOOST_TEST(
        config_error("type: remote\nurl: http://x\nheader: {}\n").find("header: unknown field") !=
        std::string::npos);
    BOOST_TEST(
        config_error("type: remote\nurl: x:9090\n").find("must be an http:// or https:// URL") !=
        std::string::npos);
    BOOST_TEST(
        config_error("type: remote\nurl: http://x\nmethod: PUT\n").find("must be GET or POST") !=
        std::string::npos);
    BOOST_TEST(config_error("type: remote\n").find("url: is required") != std::string::npos);
    BOOST_TEST(config_error("type: remote\nurl: http://x\nheaders: {AUTHORIZATION: t}\n")
                   .find("must be changed via the basic_auth or authorization parameter") !=
               std::string::npos);
    BOOST_TEST(
        config_error("type: remote\nurl: http://x\ntimeout: 0s\n").find("must be greater than 0") !=
        std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
