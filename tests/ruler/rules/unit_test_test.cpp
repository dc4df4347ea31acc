#include "ruler/rules/unit_test.hpp"

#include <sys/wait.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "test_support.hpp"

using namespace stackwatch::rules;

namespace {

constexpr const char* kRules = R"(groups:
  - name: load
    rules:
      - record: instance:load:max
        expr: max by (instance) (load)
      - alert: HighLoad
        expr: instance:load:max > 2
        for: 2m
        labels: {severity: page}
        annotations:
          summary: "{{ $labels.instance }} load {{ $value }} in {{ $externalLabels.cluster }}"
)";

std::string last_line(const std::string& text) {
    auto end = text.find_last_not_of('\n');
    auto start = text.rfind('\n', end);
    return text.substr(start + 1, end - start);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rule_unit_tests)

BOOST_AUTO_TEST_CASE(passing_and_failing_groups_are_counted) {
    test::TempDir dir;
    dir.write("rules.yml", kRules);
    auto tests = dir.write("tests.yml", R"(rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    external_labels: {cluster: eu1}
    input_series:
      - series: 'load{instance="a", cpu="0"}'
        values: '1 3 3 3 3 _ stale'
    alert_rule_test:
      - eval_time: 2m
        alertname: HighLoad
        exp_alerts: []
      - eval_time: 3m
        alertname: HighLoad
        exp_alerts:
          - exp_labels: {severity: page, instance: a}
            exp_annotations: {summary: "a load 3 in eu1"}
    promql_expr_test:
      - expr: instance:load:max
        eval_time: 1m
        exp_samples:
          - labels: 'instance:load:max{instance="a"}'
            value: 3
      - expr: count(ALERTS{alertstate="pending"})
        eval_time: 2m
        exp_samples:
          - value: 1
  - name: wrong expectations
    interval: 1m
    input_series:
      - series: 'load{instance="b"}'
        values: '5x3'
    alert_rule_test:
      - eval_time: 3m
        alertname: HighLoad
        exp_alerts: []
    promql_expr_test:
      - expr: load
        eval_time: 0
        exp_samples:
          - labels: 'load{instance="b"}'
            value: 4
)");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 1);
    std::string report = out.str();
    BOOST_TEST_MESSAGE(report);
    BOOST_TEST(report.starts_with("Unit Testing:  " + tests + "\n  FAILED:\n"));
    BOOST_TEST(
        report.find(
            "    name: wrong expectations,\n    alertname: HighLoad, time: 3m, \n"
            "        exp:[], \n        got:[\n            0:\n"
            "              Labels:{alertname=\"HighLoad\", instance=\"b\", severity=\"page\"}\n"
            "              Annotations:{summary=\"b load 5 in \"}\n            ]") !=
        std::string::npos);
    BOOST_TEST(report.find("    expr: \"load\", time: 0s,\n        exp: {__name__=\"load\", "
                           "instance=\"b\"} 4E+00\n"
                           "        got: {__name__=\"load\", instance=\"b\"} 5E+00") !=
               std::string::npos);
    BOOST_TEST(last_line(report) == "1 passed, 1 failed");
}

BOOST_AUTO_TEST_CASE(all_passing_file_succeeds) {
    test::TempDir dir;
    dir.write("rules.yml", kRules);
    auto tests = dir.write("tests.yml", R"(rule_files: [rules.yml]
tests:
  - interval: 30s
    input_series:
      - series: 'load{instance="a"}'
        values: '3+0x10'
    alert_rule_test:
      - eval_time: 1m59s
        alertname: HighLoad
        exp_alerts: []
      - eval_time: 2m
        alertname: HighLoad
        exp_alerts:
          - exp_labels: {severity: page, instance: a}
            exp_annotations: {summary: "a load 3 in "}
)");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 0);
    BOOST_TEST(out.str() == "Unit Testing:  " + tests + "\n  SUCCESS\n\n1 passed, 0 failed\n");
}

BOOST_AUTO_TEST_CASE(rule_errors_stop_the_group) {
    test::TempDir dir;
    dir.write("bad.yml", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: a + on(x) b\n");
    auto tests = dir.write("t.yml", R"(rule_files: [bad.yml]
tests:
  - input_series:
      - series: 'a{x="1"}'
        values: 1
      - series: 'b{x="1", y="1"}'
        values: 1
      - series: 'b{x="1", y="2"}'
        values: 1
)");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 1);
    BOOST_TEST(out.str().find("    rule: r, time: 0s, err: ") != std::string::npos);
    BOOST_TEST(last_line(out.str()) == "0 passed, 1 failed");
}

BOOST_AUTO_TEST_CASE(without_interval_values_share_t0_and_the_first_wins) {
    test::TempDir dir;
    auto tests = dir.write("t.yml", R"(tests:
  - input_series:
      - series: 'a'
        values: '1 2'
    promql_expr_test:
      - expr: a
        eval_time: 2m
        exp_samples: [{labels: a, value: 1}]
)");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 0);
    BOOST_TEST(last_line(out.str()) == "1 passed, 0 failed");
}

// An annotation may exist with an empty text while an empty label does not, as in promtool.
BOOST_AUTO_TEST_CASE(empty_annotations_exist_empty_labels_do_not) {
    test::TempDir dir;
    dir.write("r.yml", R"(groups:
  - name: g
    rules:
      - alert: E
        expr: vector(1)
        labels: {empty: "{{ $labels.nope }}"}
        annotations: {summary: "{{ $labels.nope }}", other: ""}
)");
    auto tests = dir.write("t.yml", R"(rule_files: [r.yml]
tests:
  - alert_rule_test:
      - eval_time: 0
        alertname: E
        exp_alerts: [{exp_annotations: {summary: "", other: ""}}]
  - alert_rule_test:
      - eval_time: 0
        alertname: E
        exp_alerts: [{}]
  - alert_rule_test:
      - eval_time: 0
        alertname: E
        exp_alerts: [{exp_labels: {empty: ""}, exp_annotations: {summary: "", other: ""}}]
)");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 1);
    BOOST_TEST(out.str().find("Annotations:{other=\"\", summary=\"\"}") != std::string::npos);
    BOOST_TEST(last_line(out.str()) == "1 passed, 2 failed");
}

BOOST_AUTO_TEST_CASE(undecodable_file_counts_as_one_failure) {
    test::TempDir dir;
    auto tests = dir.write("t.yml", "groups: []\n");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 1);
    BOOST_TEST(
        out.str() ==
        "Unit Testing:  " + tests +
            "\n  FAILED:\nyaml: unmarshal errors:\n"
            "  line 1: field groups not found in type main.unitTestFile\n\n\n0 passed, 1 failed\n");
}

// A scenario touching most of the format (group order, intervals, for, keep_firing_for, limits,
// external labels, NaN, parse errors): the report must be promtool's, byte for byte.
BOOST_AUTO_TEST_CASE(report_is_promtools_byte_for_byte) {
    test::TempDir dir;
    dir.write("r.yml", R"yaml(groups:
  - name: first
    interval: 30s
    rules:
      - record: job:req:rate1m
        expr: sum by (job) (rate(req_total[1m]))
      - alert: HighRate
        expr: job:req:rate1m > 1
        for: 2m
        keep_firing_for: 3m
        labels: {severity: "{{ if gt $value 2.0 }}page{{ else }}ticket{{ end }}"}
        annotations: {summary: "rate {{ $value | humanize }} for {{ $labels.job }} ({{ $externalLabels.region }})"}
  - name: second
    rules:
      - record: job:req:rate1m:x2
        expr: job:req:rate1m * 2
      - alert: Absent
        expr: absent(nothing)
        for: 1m
  - name: third
    limit: 1
    rules:
      - record: limited
        expr: req_total
)yaml");
    auto tests = dir.write("t.yml", R"yaml(rule_files: [r.yml]
evaluation_interval: 30s
group_eval_order: [second, first]
tests:
  - interval: 30s
    external_labels: {region: eu}
    input_series:
      - series: 'req_total{job="api"}'
        values: '0+90x20 _x10 1800+30x20'
    alert_rule_test:
      - eval_time: 3m
        alertname: HighRate
        exp_alerts:
          - exp_labels: {job: api, severity: page}
            exp_annotations: {summary: "rate 3 for api (eu)"}
      - eval_time: 12m
        alertname: HighRate
        exp_alerts: []
      - eval_time: 1m
        alertname: Absent
        exp_alerts: [{}]
    promql_expr_test:
      - expr: job:req:rate1m:x2
        eval_time: 2m
        exp_samples:
          - labels: 'job:req:rate1m:x2{job="api"}'
            value: 6
      - expr: ALERTS_FOR_STATE
        eval_time: 3m
        exp_samples: []
      - expr: NaN
        eval_time: 1m
        exp_samples: [{value: .nan}]
      - expr: 'vector(1)'
        eval_time: 1m
        exp_samples: [{labels: '{}', value: 1}]
      - expr: 'bad syntax ('
        eval_time: 1m
      - expr: up
        exp_samples: [{labels: 'up{a=~"x"}', value: 1}]
  - name: second group
    interval: 1m
    input_series:
      - series: 'req_total{job="a"}'
        values: '1 2'
      - series: 'req_total{job="b"}'
        values: '1 2'
    alert_rule_test:
      - eval_time: 1m
        alertname: HighRate
        exp_alerts: []
)yaml");
    std::ostringstream out;
    BOOST_TEST(test_rules({tests}, out) == 1);
    std::string report = out.str();
    BOOST_TEST(last_line(report) == "0 passed, 2 failed");
    BOOST_TEST(
        report.find("    rule: limited, time: 0s, err: exceeded limit of 1 with 2 series\n") !=
        std::string::npos);
    BOOST_TEST(
        report.find("    expr: \"NaN\", time: 1m,\n        exp: {} NaN\n        got: {} NaN\n") !=
        std::string::npos);
    if (!std::filesystem::exists("/usr/bin/promtool")) {
        BOOST_TEST_MESSAGE("promtool not installed: byte comparison skipped");
        return;
    }
    FILE* pipe = popen(("/usr/bin/promtool test rules '" + tests + "' 2>&1").c_str(), "r");
    BOOST_REQUIRE(pipe != nullptr);
    std::string expected;
    char buf[4096];
    while (std::size_t n = fread(buf, 1, sizeof buf, pipe)) expected.append(buf, n);
    BOOST_TEST(WEXITSTATUS(pclose(pipe)) == 1);
    BOOST_TEST(report.substr(0, report.size() - last_line(report).size() - 1) == expected);
}

BOOST_AUTO_TEST_SUITE_END()
