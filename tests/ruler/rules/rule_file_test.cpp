#include "ruler/rules/rule_file.hpp"

#include <boost/test/unit_test.hpp>

#include "ruler/rules/check_rules.hpp"
#include "test_support.hpp"

using namespace stackwatch::rules;

namespace {

std::vector<std::string> errors_of(const std::string& yaml) {
    return parse_rule_file(yaml, "r.yml").errors;
}

bool has(const std::vector<std::string>& errors, const std::string& expected) {
    for (const auto& e : errors)
        if (e == expected) return true;
    BOOST_TEST_MESSAGE("missing: " << expected);
    for (const auto& e : errors) BOOST_TEST_MESSAGE("  have: " << e);
    return false;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(rule_files)

BOOST_AUTO_TEST_CASE(valid_file_is_decoded) {
    auto result = parse_rule_file(R"(groups:
  - name: db
    interval: 30s
    limit: 10
    query_offset: 1m
    labels: {team: db}
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels: {source: rule}
      - alert: Down
        expr: up == 0
        for: 5m
        keep_firing_for: 2m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} down, $$ literal"}
)",
                                  "r.yml");
    BOOST_REQUIRE(result.ok());
    BOOST_REQUIRE(result.file.groups.size() == 1u);
    const auto& g = result.file.groups[0];
    BOOST_TEST(g.name == "db");
    BOOST_TEST(g.interval.count() == 30'000);
    BOOST_TEST(g.limit == 10);
    BOOST_TEST(g.query_offset->count() == 60'000);
    BOOST_TEST(g.labels.at("team") == "db");
    BOOST_REQUIRE(g.rules.size() == 2u);
    BOOST_TEST(g.rules[0].record == "job:up:sum");
    BOOST_TEST(g.rules[1].for_duration.count() == 300'000);
    BOOST_TEST(g.rules[1].keep_firing_for.count() == 120'000);
    // Rule files are not environment-expanded: "$$" stays as written.
    BOOST_TEST(g.rules[1].annotations.at("summary") == "{{ $labels.instance }} down, $$ literal");
    BOOST_TEST(result.file.rule_count() == 2u);
}

BOOST_AUTO_TEST_CASE(unknown_fields_and_type_errors_name_their_lines) {
    auto errors = errors_of(
        "groups:\n  - name: g\n    limit: abc\n    foo: 1\n    rules:\n      - alert: A\n"
        "        expr: up\n        labels: {a: [1]}\n        bar: 2\n");
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0] ==
               "r.yml: yaml: unmarshal errors:\n"
               "  line 3: cannot unmarshal !!str `abc` into int\n"
               "  line 4: field foo not found in type rulefmt.RuleGroup\n"
               "  line 8: cannot unmarshal !!seq into string\n"
               "  line 9: field bar not found in type rulefmt.RuleNode");
    BOOST_TEST(errors_of("rule_files: [x]\n")[0] ==
               "r.yml: yaml: unmarshal errors:\n  line 1: field rule_files not found in type "
               "rulefmt.RuleGroups");
    BOOST_TEST(
        errors_of("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: 5x\n")[0] ==
        "r.yml: not a valid duration string: \"5x\"");
}

BOOST_AUTO_TEST_CASE(validation_errors_carry_positions_group_and_rule) {
    auto errors = errors_of(R"(groups:
- name: g
  rules:
  - alert: A
    record: b
    expr: up
    labels: {__name__: x, "a-b": y}
    annotations: {"x-y": "{{ $labels.x }", ok: "{{ humanise 1 }}"}
  - expr: ""
    for: 1m
- name: g
  rules:
  - record: "a{b}"
    expr: 'test +'
    for: 1m
    annotations: {a: b}
- name: ""
  rules: []
)");
    BOOST_TEST(has(errors,
                   "r.yml: 5:13: 4:12: group \"g\", rule 1, \"A\": only one of 'record' and "
                   "'alert' must be set"));
    BOOST_TEST(has(
        errors,
        "r.yml: 5:13: group \"g\", rule 1, \"A\": invalid field 'annotations' in recording rule"));
    BOOST_TEST(has(errors, "r.yml: group \"g\", rule 1, \"A\": invalid label name: __name__"));
    BOOST_TEST(has(errors, "r.yml: group \"g\", rule 1, \"A\": invalid label name: a-b"));
    BOOST_TEST(has(errors, "r.yml: group \"g\", rule 1, \"A\": invalid annotation name: x-y"));
    BOOST_TEST(has(errors,
                   "r.yml: group \"g\", rule 1, \"A\": annotation \"x-y\": template: __alert_A:1: "
                   "unexpected \"}\" in operand"));
    BOOST_TEST(has(errors,
                   "r.yml: group \"g\", rule 1, \"A\": annotation \"ok\": template: __alert_A:1: "
                   "function \"humanise\" not defined"));
    BOOST_TEST(has(
        errors, "r.yml: 0:0: group \"g\", rule 2, \"\": one of 'record' or 'alert' must be set"));
    BOOST_TEST(
        has(errors, "r.yml: 9:11: group \"g\", rule 2, \"\": field 'expr' must be set in rule"));
    BOOST_TEST(has(errors, "r.yml: 11:3: groupname: \"g\" is repeated in the same file"));
    BOOST_TEST(
        has(errors,
            "r.yml: 14:11: group \"g\", rule 1, \"a{b}\": could not parse expression: 1:7: parse "
            "error: unexpected end of input"));
    BOOST_TEST(
        has(errors,
            "r.yml: 13:13: group \"g\", rule 1, \"a{b}\": invalid field 'for' in recording rule"));
    BOOST_TEST(has(
        errors, "r.yml: 13:13: group \"g\", rule 1, \"a{b}\": invalid recording rule name: a{b}"));
    BOOST_TEST(has(errors, "r.yml: 17:3: Groupname must not be empty"));
    BOOST_TEST(has(errors,
                   "r.yml: 13:13: group \"g\", rule 1, \"a{b}\": invalid field 'annotations' in "
                   "recording rule"));
    BOOST_TEST(errors.size() == 15u);
}

BOOST_AUTO_TEST_CASE(empty_and_missing_files) {
    BOOST_TEST(parse_rule_file("", "r.yml").ok());
    auto missing = load_rule_file("/nonexistent/rules.yml");
    BOOST_REQUIRE(missing.errors.size() == 1u);
    BOOST_TEST(missing.errors[0] ==
               "/nonexistent/rules.yml: open /nonexistent/rules.yml: no such file or directory");
}

BOOST_AUTO_TEST_CASE(check_rules_reports_like_promtool) {
    test::TempDir dir;
    auto good =
        dir.write("good.yml",
                  "groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n  - alert: B\n"
                  "    expr: up == 0\n");
    auto bad =
        dir.write("bad.yml", "groups:\n- name: g\n  rules:\n  - record: x\n    expr: 'test +'\n");
    auto duplicated = dir.write("dup.yml",
                                "groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n"
                                "- name: h\n  rules:\n  - record: a\n    expr: up\n");
    std::ostringstream out, err;
    BOOST_TEST(check_rules({good}, out, err) == 0);
    BOOST_TEST(out.str() == "Checking " + good + "\n  SUCCESS: 2 rules found\n\n");
    BOOST_TEST(err.str().empty());

    out.str("");
    BOOST_TEST(check_rules({good, bad}, out, err) == 1);
    BOOST_TEST(
        err.str() ==
        "  FAILED:\n" + bad +
            ": 5:11: group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse error: "
            "unexpected end of input\n");

    // Duplicates are a lint finding: reported, but not a failing exit code.
    out.str("");
    err.str("");
    BOOST_TEST(check_rules({duplicated}, out, err) == 0);
    BOOST_TEST(out.str() == "Checking " + duplicated + "\n\n");
    BOOST_TEST(err.str() ==
               "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: a\nLabel(s):\n"
               "Might cause inconsistency while recording expressions\n");
}

// Found by fuzz/rule_file_fuzzer: a map key that is itself a map escaped parse_rule_file as an
// exception instead of becoming one of its errors.
BOOST_AUTO_TEST_CASE(a_key_that_is_no_string_is_an_error_of_the_file) {
    auto errors = errors_of(R"(groups:
  - name: g
    rules:
      - alert: E
        expr: ve5mor(0)
        labels: {empty: "{{ $labels.nope }}"}
        annotations: {,ummary: "{{ $l#bels .ope}n}", other: ""}
)");
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(
        errors[0].find("r.yml:7:23: groups[0].rules[0].annotations: a key must be a string") == 0,
        errors[0]);
}

BOOST_AUTO_TEST_SUITE_END()
