#include "ruler/promql/engine.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <map>

#include "test_data.hpp"

using namespace stackwatch::promql;
using namespace stackwatch::promql::test;
using stackwatch::storage::MemoryStore;

namespace {

// Results keyed by printed labels, so expectations read like PromQL output.
std::map<std::string, double> as_map(const Value& v) {
    std::map<std::string, double> out;
    for (const auto& s : std::get<Vector>(v)) out[s.labels.to_string()] = s.v;
    return out;
}

struct Fixture {
    MemoryStore store;
    Engine engine;

    Fixture() {
        load(store, 10 * kSecond,
             {R"(http_requests{job="api", instance="a"} 0+10x30)",
              R"(http_requests{job="api", instance="b"} 0+20x30)",
              R"(http_requests{job="db", instance="a"} 5x30)"});
    }

    std::map<std::string, double> at(std::int64_t t_ms, std::string_view expr) const {
        return as_map(engine.instant(expr, t_ms, store));
    }
    double scalar(std::int64_t t_ms, std::string_view expr) const {
        return std::get<Scalar>(engine.instant(expr, t_ms, store)).v;
    }
};

using Results = std::map<std::string, double>;

}  // namespace

BOOST_FIXTURE_TEST_SUITE(engine, Fixture)

BOOST_AUTO_TEST_CASE(instant_selector_takes_the_latest_sample_within_lookback) {
    BOOST_TEST((at(105 * kSecond, R"(http_requests{instance="a"})") ==
                Results{{R"(http_requests{instance="a", job="api"})", 100},
                        {R"(http_requests{instance="a", job="db"})", 5}}));
    // The last sample is at 300s; five minutes later it is still visible, a millisecond after not.
    BOOST_TEST(at(600 * kSecond, R"(http_requests{job="db"})").size() == 1u);
    BOOST_TEST(at(600 * kSecond + 1, R"(http_requests{job="db"})").empty());
}

BOOST_AUTO_TEST_CASE(staleness_marker_ends_a_series_at_once) {
    load(store, 10 * kSecond, {"gone 1 2 stale"});
    BOOST_TEST(at(15 * kSecond, "gone").at("gone{}") == 2);
    BOOST_TEST(at(20 * kSecond, "gone").empty());
    BOOST_TEST(at(25 * kSecond, "count_over_time(gone[1m])").at("{}") == 2);
}

BOOST_AUTO_TEST_CASE(lookback_is_configurable) {
    Engine short_lookback(EngineOptions{.lookback_delta = std::chrono::milliseconds(30 * kSecond)});
    BOOST_TEST(
        as_map(short_lookback.instant(R"(http_requests{job="db"})", 330 * kSecond, store)).size() ==
        1u);
    BOOST_TEST(
        as_map(short_lookback.instant(R"(http_requests{job="db"})", 331 * kSecond, store)).empty());
}

BOOST_AUTO_TEST_CASE(offset_and_at_move_the_lookup_time) {
    const char* a = R"(http_requests{job="api", instance="a"})";
    BOOST_TEST(at(200 * kSecond, std::string(a) + " offset 1m").begin()->second == 140);
    BOOST_TEST(at(100 * kSecond, std::string(a) + " offset -1m").begin()->second == 160);
    BOOST_TEST(at(10 * kSecond, std::string(a) + " @ 250").begin()->second == 250);
    BOOST_TEST(at(10 * kSecond, std::string(a) + " @ 250 offset 50s").begin()->second == 200);
    // @ start() and @ end() of an instant query are its evaluation time.
    BOOST_TEST(at(70 * kSecond, std::string(a) + " @ end()").begin()->second == 70);
}

BOOST_AUTO_TEST_CASE(rate_extrapolates_to_the_window) {
    BOOST_TEST((at(300 * kSecond, "rate(http_requests[1m])") ==
                Results{{R"({instance="a", job="api"})", 1},
                        {R"({instance="b", job="api"})", 2},
                        {R"({instance="a", job="db"})", 0}}));
    // Window [35s, 95s] holds samples 40..90: 50 over 50s, extrapolated by 5s on each side.
    BOOST_TEST(at(95 * kSecond, R"(increase(http_requests{instance="b"}[1m]))").begin()->second ==
               120);
}

BOOST_AUTO_TEST_CASE(counter_resets_are_compensated) {
    load(store, 10 * kSecond, {"resetting 10 20 5 15"});
    BOOST_TEST(at(30 * kSecond, "resets(resetting[1m])").at("{}") == 1);
    // 10 -> 20 (+10), reset to 5 (+5 counted from zero), -> 15 (+10); the samples span the
    // whole window, so nothing is extrapolated.
    BOOST_TEST(at(30 * kSecond, "increase(resetting[30s])").at("{}") == 25);
}

BOOST_AUTO_TEST_CASE(aggregations_group_by_and_without) {
    BOOST_TEST((at(100 * kSecond, "sum by (job) (http_requests)") ==
                Results{{R"({job="api"})", 300}, {R"({job="db"})", 5}}));
    BOOST_TEST((at(100 * kSecond, "max without (job) (http_requests)") ==
                Results{{R"({instance="a"})", 100}, {R"({instance="b"})", 200}}));
    BOOST_TEST(at(100 * kSecond, "count(http_requests)").at("{}") == 3);
    BOOST_TEST(at(100 * kSecond, "avg(http_requests)").at("{}") == 305.0 / 3,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(at(100 * kSecond, "quantile(0.5, http_requests)").at("{}") == 100);
    BOOST_TEST(at(100 * kSecond, R"(stddev(http_requests{job="api"}))").at("{}") == 50);
    BOOST_TEST(at(0, "stdvar(vector(Inf))").at("{}") == 0);
    BOOST_TEST((at(100 * kSecond, R"(count_values("value", http_requests{job="api"}))") ==
                Results{{R"({value="100"})", 1}, {R"({value="200"})", 1}}));
}

BOOST_AUTO_TEST_CASE(topk_keeps_series_and_orders_them) {
    Vector v = std::get<Vector>(engine.instant("topk(2, http_requests)", 100 * kSecond, store));
    BOOST_TEST_REQUIRE(v.size() == 2u);
    BOOST_TEST(v[0].labels.to_string() == R"(http_requests{instance="b", job="api"})");
    BOOST_TEST(v[1].v == 100);
    Vector bottom =
        std::get<Vector>(engine.instant("bottomk(1, http_requests)", 100 * kSecond, store));
    BOOST_TEST(bottom.at(0).v == 5);
    BOOST_TEST(as_map(engine.instant("topk(0, http_requests)", 100 * kSecond, store)).empty());
}

BOOST_AUTO_TEST_CASE(binary_operators_match_on_labels) {
    load(store, 10 * kSecond,
         {R"(owner{job="api", team="web"} 1x30)", R"(owner{job="db", team="data"} 1x30)"});
    BOOST_TEST((at(100 * kSecond, "http_requests * on(job) group_left(team) owner") ==
                Results{{R"({instance="a", job="api", team="web"})", 100},
                        {R"({instance="b", job="api", team="web"})", 200},
                        {R"({instance="a", job="db", team="data"})", 5}}));
    BOOST_TEST(
        (at(100 * kSecond,
            R"(http_requests{instance="a"} - ignoring(instance) http_requests{instance="b"})") ==
         Results{{R"({job="api"})", -100}}));
    BOOST_CHECK_THROW(at(100 * kSecond, "http_requests * on(job) owner"), EvalError);
    BOOST_CHECK_THROW(at(100 * kSecond, "owner * on(job) group_left http_requests"), EvalError);
}

BOOST_AUTO_TEST_CASE(comparisons_filter_unless_bool) {
    BOOST_TEST((at(100 * kSecond, "http_requests > 50") ==
                Results{{R"(http_requests{instance="a", job="api"})", 100},
                        {R"(http_requests{instance="b", job="api"})", 200}}));
    BOOST_TEST((at(100 * kSecond, R"(http_requests{job="api"} > bool 150)") ==
                Results{{R"({instance="a", job="api"})", 0}, {R"({instance="b", job="api"})", 1}}));
    BOOST_TEST((at(100 * kSecond, R"(1 < http_requests{job="db"})") ==
                Results{{R"(http_requests{instance="a", job="db"})", 5}}));
}

BOOST_AUTO_TEST_CASE(set_operators) {
    BOOST_TEST(at(100 * kSecond, R"(http_requests and http_requests{job="db"})").size() == 1u);
    BOOST_TEST(at(100 * kSecond, R"(http_requests unless http_requests{job="db"})").size() == 2u);
    BOOST_TEST(
        at(100 * kSecond, R"(http_requests{job="db"} or on(instance) http_requests)").size() == 2u);
}

BOOST_AUTO_TEST_CASE(subqueries_step_on_aligned_timestamps) {
    // Steps at 60s, 80s, 100s (aligned to 20s) of a value that equals the time in seconds.
    BOOST_TEST(at(100 * kSecond, R"(sum_over_time(http_requests{instance="a",job="api"}[40s:20s]))")
                   .begin()
                   ->second == 240);
    BOOST_TEST(at(110 * kSecond, R"(count_over_time(http_requests{instance="a",job="api"}[1m:]))")
                   .begin()
                   ->second == 1);
    Engine fine(EngineOptions{.default_subquery_step = std::chrono::milliseconds(10 * kSecond)});
    BOOST_TEST(as_map(fine.instant(R"(count_over_time(http_requests{instance="a",job="api"}[1m:]))",
                                   110 * kSecond, store))
                   .begin()
                   ->second == 7);
}

BOOST_AUTO_TEST_CASE(functions_over_labels) {
    BOOST_TEST((at(100 * kSecond,
                   R"(label_replace(http_requests{job="db"}, "svc", "$1-x", "job", "(d)b"))") ==
                Results{{R"(http_requests{instance="a", job="db", svc="d-x"})", 5}}));
    BOOST_TEST((
        at(100 * kSecond, R"(label_join(http_requests{job="db"}, "id", "/", "job", "instance"))") ==
        Results{{R"(http_requests{id="db/a", instance="a", job="db"})", 5}}));
    BOOST_TEST((at(100 * kSecond, R"(absent(nonexistent{job="x", a=~"y"}))") ==
                Results{{R"({job="x"})", 1}}));
    BOOST_TEST(at(100 * kSecond, "absent(http_requests)").empty());
    BOOST_CHECK_THROW(at(100 * kSecond, R"(label_replace(http_requests, "1bad", "", "job", ""))"),
                      EvalError);
}

BOOST_AUTO_TEST_CASE(histogram_quantile_interpolates_within_buckets) {
    load(store, 10 * kSecond,
         {R"(latency_bucket{le="0.1"} 10)", R"(latency_bucket{le="1"} 30)",
          R"(latency_bucket{le="+Inf"} 40)"});
    // Rank 20 of 40 lies halfway through the (0.1, 1] bucket.
    BOOST_TEST(at(0, "histogram_quantile(0.5, latency_bucket)").at("{}") == 0.55,
               boost::test_tools::tolerance(1e-12));
    BOOST_TEST(at(0, "histogram_quantile(0.99, latency_bucket)").at("{}") == 1);
}

BOOST_AUTO_TEST_CASE(time_functions) {
    BOOST_TEST(scalar(90 * kSecond, "time()") == 90);
    BOOST_TEST(at(95 * kSecond, R"(timestamp(http_requests{job="db"}))")
                   .at(R"({instance="a", job="db"})") == 90);
    BOOST_TEST(at(95 * kSecond, R"(timestamp(-http_requests{job="db"}))")
                   .at(R"({instance="a", job="db"})") == 95);
    // 2020-02-29T13:45:00Z
    BOOST_TEST(at(0, "day_of_month(vector(1582983900))").at("{}") == 29);
    BOOST_TEST(at(0, "days_in_month(vector(1582983900))").at("{}") == 29);
    BOOST_TEST(at(0, "day_of_week(vector(1582983900))").at("{}") == 6);
    BOOST_TEST(at(0, "day_of_year(vector(1582983900))").at("{}") == 60);
    BOOST_TEST(at(0, "hour(vector(1582983900))").at("{}") == 13);
    BOOST_TEST(at(0, "minute(vector(1582983900))").at("{}") == 45);
    BOOST_TEST(at(0, "month()").at("{}") == 1);  // the evaluation time: 1970-01-01
    BOOST_TEST(std::isnan(at(0, "year(vector(NaN))").at("{}")));
}

BOOST_AUTO_TEST_CASE(same_labelset_after_dropping_names_is_an_error) {
    load(store, 10 * kSecond, {R"(other{job="db", instance="a"} 1)"});
    BOOST_TEST(at(0, R"({__name__=~"http_requests|other", job="db"})").size() == 2u);
    BOOST_CHECK_THROW(at(0, R"(-{__name__=~"http_requests|other", job="db"})"), EvalError);
    BOOST_CHECK_THROW(at(0, R"(abs({__name__=~"http_requests|other"}))"), EvalError);
}

BOOST_AUTO_TEST_CASE(range_query_returns_one_series_per_output) {
    Matrix m = engine.range(parse(R"(http_requests{job="api"} * 2)"), 0, 60 * kSecond, 30 * kSecond,
                            store);
    BOOST_TEST_REQUIRE(m.size() == 2u);
    BOOST_TEST(m[0].labels.to_string() == R"({instance="a", job="api"})");
    BOOST_TEST_REQUIRE(m[0].samples.size() == 3u);
    BOOST_TEST(m[0].samples[2].t == 60 * kSecond);
    BOOST_TEST(m[0].samples[2].v == 120);
    // @ start() pins every step to the range's start.
    Matrix pinned = engine.range(parse(R"(http_requests{job="api",instance="a"} @ start())"),
                                 50 * kSecond, 100 * kSecond, 25 * kSecond, store);
    BOOST_TEST_REQUIRE(pinned.size() == 1u);
    for (const auto& s : pinned[0].samples) BOOST_TEST(s.v == 50);
    Matrix scalar = engine.range(parse("time()"), 0, 20 * kSecond, 10 * kSecond, store);
    BOOST_TEST(scalar.at(0).samples.at(2).v == 20);
    BOOST_CHECK_THROW(engine.range(parse("http_requests[1m]"), 0, 1, 1, store), EvalError);
}

BOOST_AUTO_TEST_CASE(instant_query_of_a_range_returns_the_raw_samples) {
    Matrix m =
        std::get<Matrix>(engine.instant(R"(http_requests{job="db"}[30s])", 100 * kSecond, store));
    BOOST_TEST_REQUIRE(m.size() == 1u);
    BOOST_TEST(m[0].samples.size() == 4u);  // 70, 80, 90, 100: both ends are inclusive
    BOOST_TEST(m[0].labels.get("__name__") == "http_requests");
}

BOOST_AUTO_TEST_CASE(sample_limit_stops_large_queries) {
    Engine small(EngineOptions{.max_samples = 10});
    BOOST_CHECK_THROW(small.instant("count_over_time(http_requests[5m])", 300 * kSecond, store),
                      EvalError);
    BOOST_TEST(as_map(small.instant("http_requests", 300 * kSecond, store)).size() == 3u);
}

// Found by fuzz/promql_eval_fuzzer: nested subqueries over a series that does not exist load no
// sample, yet the outer one alone took 13.9 million steps, each evaluating the inner ones.
BOOST_AUTO_TEST_CASE(subquery_step_limit_stops_long_subqueries) {
    const char* fuzzed =
        R"(sum_over_time(sum_over_time(sum_over_time(mec{job="1"}[20s])[20s:10s] offset 10s)[11y00s:25s] @ 1000))";
    BOOST_CHECK_THROW(engine.instant(fuzzed, 300 * kSecond, store), EvalError);
    Engine small(EngineOptions{.max_subquery_steps = 10});
    BOOST_CHECK_THROW(small.instant("max_over_time(http_requests[11m:1m])", 600 * kSecond, store),
                      EvalError);
    // Nested steps add up: 3 outer steps, each with 3 inner ones, are 12.
    BOOST_CHECK_THROW(
        small.instant("max_over_time(max_over_time(http_requests[2m:1m])[2m:1m])", 600 * kSecond,
                      store),
        EvalError);
    BOOST_TEST(as_map(small.instant("max_over_time(http_requests[9m:1m])", 600 * kSecond, store))
                   .size() == 3u);
}

BOOST_AUTO_TEST_CASE(stale_marker_bit_pattern) {
    double marker = stale_marker();
    BOOST_TEST(std::isnan(marker));
    BOOST_TEST(is_stale_marker(marker));
    BOOST_TEST(!is_stale_marker(std::nan("")));
    BOOST_TEST(std::bit_cast<std::uint64_t>(marker) == 0x7ff0000000000002ULL);
}

BOOST_AUTO_TEST_CASE(format_float_matches_prometheus_output) {
    BOOST_TEST(format_float(1e21) == "1000000000000000000000");
    BOOST_TEST(format_float(0.1) == "0.1");
    BOOST_TEST(format_float(-2.5) == "-2.5");
    BOOST_TEST(format_float(INFINITY) == "+Inf");
    BOOST_TEST(format_float(NAN) == "NaN");
}

BOOST_AUTO_TEST_SUITE_END()
