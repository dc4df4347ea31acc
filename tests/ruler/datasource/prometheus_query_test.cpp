#include <boost/test/unit_test.hpp>
#include <cmath>
#include <memory>
#include <thread>

#include "ruler/datasource/remote_datasource.hpp"
#include "tests/support/prometheus_server.hpp"
#include "tests/ruler/scrape/fake_exporter.hpp"

using namespace stackwatch;
using namespace stackwatch::datasource;

namespace {

promql::Timestamp now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One Prometheus for the suite: it takes seconds to start and to scrape its first sample.
struct PrometheusWithTarget {
    test::FakeExporter exporter{"# TYPE probe gauge\nprobe{kind=\"a\"} 42\nprobe{kind=\"b\"} 7\n"};
    test::PrometheusServer prometheus{exporter.address()};
    RemoteDatasource source{RemoteDatasourceConfig{.url = prometheus.url()}};

    PrometheusWithTarget() {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (!scraped()) {
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error("prometheus did not scrape within 60 s:\n" +
                                         prometheus.log());
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    bool scraped() {
        auto value = source.query("probe", now_ms());
        return std::get<promql::Vector>(value).size() == 2;
    }
};

PrometheusWithTarget& shared_prometheus() {
    static auto instance = std::make_unique<PrometheusWithTarget>();
    return *instance;
}

std::string error_of(Datasource& source, const std::string& expr) {
    try {
        source.query(expr, now_ms());
    } catch (const QueryError& e) {
        return e.what();
    }
    return "<no error>";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(against_prometheus)

BOOST_AUTO_TEST_CASE(answers_instant_vectors) {
    auto& source = shared_prometheus().source;
    const auto t = now_ms();
    auto vector = std::get<promql::Vector>(source.query("probe{kind=\"a\"}", t));
    BOOST_REQUIRE(vector.size() == 1u);
    BOOST_TEST(vector[0].labels.to_string() == "probe{instance=\"" +
                                                   shared_prometheus().exporter.address() +
                                                   "\", job=\"fake\", kind=\"a\"}");
    BOOST_TEST(vector[0].v == 42);
    BOOST_TEST(vector[0].t == t);

    auto sum = std::get<promql::Vector>(source.query("sum by (job) (probe)", t));
    BOOST_REQUIRE(sum.size() == 1u);
    BOOST_TEST(sum[0].labels.to_string() == "{job=\"fake\"}");
    BOOST_TEST(sum[0].v == 49);

    auto up = std::get<promql::Vector>(source.query("up", t));
    BOOST_REQUIRE(up.size() == 1u);
    BOOST_TEST(up[0].v == 1);
}

BOOST_AUTO_TEST_CASE(answers_scalars_strings_and_special_values) {
    auto& source = shared_prometheus().source;
    const auto t = now_ms();
    auto doubled = std::get<promql::Scalar>(source.query("scalar(probe{kind=\"b\"}) * 2", t));
    BOOST_TEST(doubled.v == 14);
    BOOST_TEST(doubled.t == t);
    BOOST_TEST(std::isnan(std::get<promql::Scalar>(source.query("0/0", t)).v));
    auto inf = std::get<promql::Scalar>(source.query("1/0", t)).v;
    BOOST_TEST((std::isinf(inf) && inf > 0));
    auto minus_inf = std::get<promql::Scalar>(source.query("-1/0", t)).v;
    BOOST_TEST((std::isinf(minus_inf) && minus_inf < 0));
    BOOST_TEST(std::get<promql::String>(source.query("\"hello\"", t)).v == "hello");
}

BOOST_AUTO_TEST_CASE(answers_range_vectors) {
    auto& source = shared_prometheus().source;
    auto matrix = std::get<promql::Matrix>(source.query("probe{kind=\"a\"}[1m]", now_ms()));
    BOOST_REQUIRE(matrix.size() == 1u);
    BOOST_REQUIRE(!matrix[0].samples.empty());
    for (const auto& sample : matrix[0].samples) BOOST_TEST(sample.v == 42);
}

BOOST_AUTO_TEST_CASE(reports_bad_queries_as_query_errors) {
    auto& source = shared_prometheus().source;
    std::string error = error_of(source, "sum(");
    BOOST_TEST(error.find("HTTP 400: bad_data:") != std::string::npos, error);
    BOOST_TEST(error.find("parse error") != std::string::npos, error);
}

BOOST_AUTO_TEST_SUITE_END()
