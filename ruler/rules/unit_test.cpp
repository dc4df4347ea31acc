#include "ruler/rules/unit_test.hpp"

#include <glob.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "ruler/datasource/datasource.hpp"
#include "ruler/promql/ast.hpp"
#include "ruler/promql/series_notation.hpp"
#include "ruler/rules/go_format.hpp"
#include "ruler/rules/group.hpp"
#include "ruler/rules/yaml_decoder.hpp"
#include "ruler/storage/memory_store.hpp"
#include "ruler/template/value.hpp"

namespace stackwatch::rules {
namespace {

using std::chrono::milliseconds;
using StringMap = std::map<std::string, std::string>;

struct InputSeries {
    std::string series;
    std::string values;
};

struct ExpectedAlert {
    StringMap labels;
    StringMap annotations;
};

struct AlertTestCase {
    milliseconds eval_time{0};
    std::string alertname;
    std::vector<ExpectedAlert> exp_alerts;
};

struct ExpectedSample {
    std::string labels;
    double value = 0;
};

struct PromqlTestCase {
    std::string expr;
    milliseconds eval_time{0};
    std::vector<ExpectedSample> exp_samples;
};

struct TestGroup {
    milliseconds interval{0};
    std::vector<InputSeries> input_series;
    std::vector<AlertTestCase> alert_tests;
    std::vector<PromqlTestCase> promql_tests;
    StringMap external_labels;
    std::string external_url;
    std::string name;
};

struct TestFile {
    std::vector<std::string> rule_files;
    milliseconds evaluation_interval{0};
    std::vector<std::string> group_eval_order;
    std::vector<TestGroup> tests;
};

// ---- decoding (Go's yaml.v2 UnmarshalStrict into promtool's types) ----

TestGroup decode_test_group(StrictDecoder& d, const ConfigNode& node) {
    TestGroup group;
    if (!d.expect_map(node, "main.testGroup")) return group;
    d.check_fields(node,
                   {"interval", "input_series", "alert_rule_test", "promql_expr_test",
                    "external_labels", "external_url", "name"},
                   "main.testGroup");
    group.interval = d.duration_of(node["interval"]);
    for (const auto& item : d.items_of(node["input_series"], "[]main.series")) {
        if (!d.expect_map(item, "main.series")) continue;
        d.check_fields(item, {"series", "values"}, "main.series");
        group.input_series.push_back({d.string_of(item["series"]), d.string_of(item["values"])});
    }
    for (const auto& item : d.items_of(node["alert_rule_test"], "[]main.alertTestCase")) {
        if (!d.expect_map(item, "main.alertTestCase")) continue;
        d.check_fields(item, {"eval_time", "alertname", "exp_alerts"}, "main.alertTestCase");
        AlertTestCase test{d.duration_of(item["eval_time"]), d.string_of(item["alertname"]), {}};
        for (const auto& alert : d.items_of(item["exp_alerts"], "[]main.alert")) {
            if (!d.expect_map(alert, "main.alert")) continue;
            d.check_fields(alert, {"exp_labels", "exp_annotations"}, "main.alert");
            test.exp_alerts.push_back(
                {d.map_of(alert["exp_labels"]), d.map_of(alert["exp_annotations"])});
        }
        group.alert_tests.push_back(std::move(test));
    }
    for (const auto& item : d.items_of(node["promql_expr_test"], "[]main.promqlTestCase")) {
        if (!d.expect_map(item, "main.promqlTestCase")) continue;
        d.check_fields(item, {"expr", "eval_time", "exp_samples"}, "main.promqlTestCase");
        PromqlTestCase test{d.string_of(item["expr"]), d.duration_of(item["eval_time"]), {}};
        for (const auto& sample : d.items_of(item["exp_samples"], "[]main.sample")) {
            if (!d.expect_map(sample, "main.sample")) continue;
            d.check_fields(sample, {"labels", "value"}, "main.sample");
            test.exp_samples.push_back(
                {d.string_of(sample["labels"]), d.float_of(sample["value"])});
        }
        group.promql_tests.push_back(std::move(test));
    }
    group.external_labels = d.map_of(node["external_labels"]);
    group.external_url = d.string_of(node["external_url"]);
    group.name = d.string_of(node["name"]);
    return group;
}

// Throws std::runtime_error with Go's message when the file is not a valid test file.
TestFile decode_test_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("open " + path + ": no such file or directory");
    std::stringstream buffer;
    buffer << in.rdbuf();
    YAML::Node yaml;
    try {
        yaml = YAML::Load(buffer.str());
    } catch (const YAML::Exception& e) {
        throw std::runtime_error("yaml: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    ConfigNode root(yaml, path);
    StrictDecoder d;
    TestFile file;
    if (d.expect_map(root, "main.unitTestFile")) {
        d.check_fields(root, {"rule_files", "evaluation_interval", "group_eval_order", "tests"},
                       "main.unitTestFile");
        file.rule_files = d.strings_of(root["rule_files"]);
        file.evaluation_interval = d.duration_of(root["evaluation_interval"]);
        file.group_eval_order = d.strings_of(root["group_eval_order"]);
        for (const auto& item : d.items_of(root["tests"], "[]main.testGroup"))
            file.tests.push_back(decode_test_group(d, item));
    }
    if (!d.ok()) throw std::runtime_error(d.message());
    return file;
}

// Rule files are relative to the test file and may be globs.
std::vector<std::string> resolve_rule_files(const std::string& test_file,
                                            const std::vector<std::string>& patterns,
                                            std::ostream& out) {
    auto slash = test_file.rfind('/');
    std::string base = slash == std::string::npos ? "" : test_file.substr(0, slash + 1);
    std::vector<std::string> files;
    for (const auto& pattern : patterns) {
        std::string full = pattern.empty() || pattern[0] == '/' ? pattern : base + pattern;
        glob_t matches{};
        if (glob(full.c_str(), 0, nullptr, &matches) == 0)
            for (std::size_t i = 0; i < matches.gl_pathc; ++i)
                files.emplace_back(matches.gl_pathv[i]);
        else
            out << "  WARNING: no file match pattern " << full << "\n";
        globfree(&matches);
    }
    return files;
}

// ---- evaluation ----

// Input series, appended to the store only up to the time being evaluated, as promtool's lazy
// loader does: queries at an earlier time never see later samples' effects on recording rules.
class LazyLoader {
  public:
    LazyLoader(const std::vector<InputSeries>& inputs, milliseconds step) {
        for (const auto& input : inputs) {
            auto description = promql::parse_series_description(input.series + " " + input.values);
            series_.push_back({description.labels,
                               promql::expand_samples(description.values, 0, step.count()), 0});
        }
    }

    // "" or the append error.
    std::string append_until(promql::Timestamp t, storage::MemoryStore& store) {
        for (auto& s : series_) {
            for (; s.next < s.samples.size() && s.samples[s.next].t <= t; ++s.next) {
                // Without an interval every value lands on t=0; like Prometheus's test storage, the
                // first sample at a timestamp wins and later ones are dropped.
                auto result = store.append(s.labels, s.samples[s.next].t, s.samples[s.next].v);
                if (result == storage::AppendResult::series_limit) return "series limit reached";
            }
        }
        return {};
    }

  private:
    struct Pending {
        promql::Labels labels;
        std::vector<promql::Sample> samples;
        std::size_t next;
    };
    std::vector<Pending> series_;
};

// As maps: Go compares expected labels and annotations that may hold empty values.
struct AlertInstance {
    StringMap labels;
    StringMap annotations;
    auto operator<=>(const AlertInstance&) const = default;
};

std::string indent_lines(const std::string& text, const std::string& indent) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        if (text[i] == '\n' && i + 1 <= text.size()) out += indent;
    }
    return out;
}

std::string alerts_string(const std::vector<AlertInstance>& alerts) {
    if (alerts.empty()) return "[]";
    std::string out = "[";
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        out += (i == 0 ? "\n" : ",\n") + std::to_string(i) + ":";
        out += indent_lines("\nLabels:" + go_labels(alerts[i].labels) +
                                "\nAnnotations:" + go_labels(alerts[i].annotations),
                            "  ");
    }
    return out + "\n]";
}

struct ResultSample {
    promql::Labels labels;
    double value;
    bool operator<(const ResultSample& o) const { return labels < o.labels; }
    bool operator==(const ResultSample& o) const { return labels == o.labels && value == o.value; }
};

std::string samples_string(const std::vector<ResultSample>& samples) {
    if (samples.empty()) return "nil";
    std::string out;
    for (const auto& s : samples)
        out += (out.empty() ? "" : ", ") + go_labels(s.labels) + " " + go_float_upper_e(s.value);
    return out;
}

// promtool parses expected labels as a series description: `name{a="b"}`, `{a="b"}` or nothing.
promql::Labels parse_expected_labels(const std::string& text) {
    std::string trimmed = text;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    if (trimmed.empty() || trimmed == "{}") return {};
    promql::ExprPtr expr = promql::parse(trimmed);
    const auto* selector = std::get_if<promql::VectorSelector>(&expr->node);
    if (selector == nullptr || selector->offset_ms != 0 || selector->at)
        throw promql::ParseError(1, 1, "not a series description");
    promql::Labels labels;
    for (const auto& m : selector->matchers) {
        if (m.type() != promql::MatchType::equal) {
            // A series description allows only "=": point at the operator as Go's parser does.
            std::string op = m.to_string().substr(m.name().size());
            op = op.substr(0, op.find('"'));
            auto at = trimmed.find(op, trimmed.find(m.name()));
            throw promql::ParseError(1, static_cast<int>(at == std::string::npos ? 1 : at + 1),
                                     "unexpected <op:" + op + "> in label set, expected \"=\"");
        }
        labels.set(m.name(), m.value());
    }
    return labels;
}

class TestGroupRun {
  public:
    TestGroupRun(const TestGroup& test, const TestFile& file,
                 const std::vector<std::string>& rule_files)
        : test_(test),
          file_(file),
          rule_files_(rule_files),
          eval_interval_(file.evaluation_interval.count() > 0 ? file.evaluation_interval
                                                              : milliseconds(60'000)) {}

    std::vector<std::string> run() {
        std::optional<LazyLoader> loader;
        try {
            loader.emplace(test_.input_series, test_.interval);
        } catch (const std::exception& e) {
            return {error_message(e)};
        }
        GroupOptions options{.default_interval = test_.interval,
                             .external_labels = labels_from_map(test_.external_labels),
                             .external_url = test_.external_url,
                             .log_failures = false};
        LoadedGroups loaded = load_groups(rule_files_, options);
        if (!loaded.errors.empty()) return loaded.errors;
        order_groups(loaded.groups);

        for (const auto& alert : test_.alert_tests)
            if (alert.alertname.empty())
                return {
                    "an item under alert_rule_test misses required attribute alertname at "
                    "eval_time " +
                    format_duration(alert.eval_time) +
                    (test_.name.empty() ? "" : " (in TestGroup " + test_.name + ")")};

        storage::MemoryStore store;
        MemoryStoreAppender appender(store);
        datasource::EmbeddedDatasource data(
            store, promql::EngineOptions{.default_subquery_step = eval_interval_});

        std::vector<milliseconds> alert_times;
        for (const auto& a : test_.alert_tests) alert_times.push_back(a.eval_time);
        std::sort(alert_times.begin(), alert_times.end());
        alert_times.erase(std::unique(alert_times.begin(), alert_times.end()), alert_times.end());
        std::size_t next_alert_time = 0;

        std::int64_t max_time = max_eval_time();
        for (std::int64_t ts = 0; ts <= max_time; ts += eval_interval_.count()) {
            std::vector<std::string> eval_errors;
            if (auto refused = loader->append_until(ts, store); !refused.empty()) {
                errors_.push_back(refused);
            } else {
                for (const auto& group : loaded.groups) {
                    group->evaluate(ts, data, appender);
                    for (const auto& rule : group->rules())
                        if (auto err = rule->last_error())
                            eval_errors.push_back("    rule: " + rule->name() +
                                                  ", time: " + go_duration(ts) + ", err: " + *err);
                }
            }
            errors_.insert(errors_.end(), eval_errors.begin(), eval_errors.end());
            if (!eval_errors.empty()) return errors_;
            // Alert tests whose eval_time falls in [ts, ts + interval) see the state at ts.
            for (; next_alert_time < alert_times.size() &&
                   alert_times[next_alert_time].count() >= ts &&
                   alert_times[next_alert_time].count() < ts + eval_interval_.count();
                 ++next_alert_time)
                check_alerts(alert_times[next_alert_time], loaded.groups);
        }
        for (const auto& test : test_.promql_tests) check_expression(test, data);
        return errors_;
    }

  private:
    const TestGroup& test_;
    const TestFile& file_;
    const std::vector<std::string>& rule_files_;
    milliseconds eval_interval_;
    std::vector<std::string> errors_;

    std::int64_t max_eval_time() const {
        milliseconds max{0};
        for (const auto& a : test_.alert_tests) max = std::max(max, a.eval_time);
        for (const auto& p : test_.promql_tests) max = std::max(max, p.eval_time);
        return max.count();
    }

    // group_eval_order ranks groups; unlisted ones rank as the first listed.
    void order_groups(std::vector<std::unique_ptr<Group>>& groups) const {
        auto rank = [this](const Group& g) {
            auto it =
                std::find(file_.group_eval_order.begin(), file_.group_eval_order.end(), g.name());
            return it == file_.group_eval_order.end() ? 0 : it - file_.group_eval_order.begin();
        };
        std::stable_sort(groups.begin(), groups.end(),
                         [&rank](const auto& a, const auto& b) { return rank(*a) < rank(*b); });
    }

    void check_alerts(milliseconds t, const std::vector<std::unique_ptr<Group>>& groups) {
        for (const auto& test : test_.alert_tests) {
            if (test.eval_time != t) continue;
            std::vector<AlertInstance> got;
            for (const auto& group : groups)
                for (const auto* rule : group->alerting_rules())
                    if (rule->name() == test.alertname)
                        for (const auto& alert : rule->active_alerts())
                            if (alert.state == AlertState::firing)
                                got.push_back({labels_map(alert.labels), alert.annotations});
            std::vector<AlertInstance> expected;
            for (const auto& exp : test.exp_alerts) {
                StringMap labels = exp.labels;
                labels["alertname"] = test.alertname;
                expected.push_back({labels, exp.annotations});
            }
            std::sort(got.begin(), got.end());
            std::sort(expected.begin(), expected.end());
            if (got == expected) continue;
            std::string name = test_.name.empty() ? "" : "    name: " + test_.name + ",\n";
            errors_.push_back(
                name + "    alertname: " + test.alertname +
                ", time: " + format_duration(test.eval_time) +
                ", \n        exp:" + indent_lines(alerts_string(expected), "            ") +
                ", \n        got:" + indent_lines(alerts_string(got), "            "));
        }
    }

    void check_expression(const PromqlTestCase& test, datasource::Datasource& data) {
        std::string where =
            "    expr: " + tmpl::go_quote(test.expr) + ", time: " + format_duration(test.eval_time);
        std::vector<ResultSample> got;
        try {
            for (const auto& s : query_vector(data, test.expr, test.eval_time.count()))
                got.push_back({s.labels, s.v});
        } catch (const std::exception& e) {
            errors_.push_back(where + ", err: " + error_message(e));
            return;
        }
        std::vector<ResultSample> expected;
        for (const auto& exp : test.exp_samples) {
            try {
                expected.push_back({parse_expected_labels(exp.labels), exp.value});
            } catch (const std::exception& e) {
                errors_.push_back(where + ", err: labels " + tmpl::go_quote(exp.labels) + ": " +
                                  error_message(e));
                return;
            }
        }
        std::stable_sort(got.begin(), got.end());
        std::stable_sort(expected.begin(), expected.end());
        if (got == expected) return;
        errors_.push_back(where + ",\n        exp: " + samples_string(expected) +
                          "\n        got: " + samples_string(got));
    }
};

struct FileOutcome {
    std::vector<std::string> errors;
    int passed = 0;
    int failed = 0;
};

FileOutcome run_file(const std::string& path, std::ostream& out) {
    FileOutcome outcome;
    TestFile file;
    try {
        file = decode_test_file(path);
    } catch (const std::exception& e) {
        outcome.errors.push_back(e.what());
        outcome.failed = 1;
        return outcome;
    }
    std::vector<std::string> rule_files = resolve_rule_files(path, file.rule_files, out);
    for (std::size_t i = 0; i < file.group_eval_order.size(); ++i) {
        const auto& name = file.group_eval_order[i];
        if (std::find(file.group_eval_order.begin(),
                      file.group_eval_order.begin() + static_cast<long>(i),
                      name) != file.group_eval_order.begin() + static_cast<long>(i)) {
            outcome.errors.push_back("group name repeated in evaluation order: " + name);
            outcome.failed = 1;
            return outcome;
        }
    }
    for (const auto& test : file.tests) {
        auto errors = TestGroupRun(test, file, rule_files).run();
        (errors.empty() ? outcome.passed : outcome.failed)++;
        outcome.errors.insert(outcome.errors.end(), errors.begin(), errors.end());
    }
    return outcome;
}

}  // namespace

int test_rules(const std::vector<std::string>& files, std::ostream& out) {
    int passed = 0;
    int failed = 0;
    for (const auto& path : files) {
        out << "Unit Testing:  " << path << "\n";
        FileOutcome outcome = run_file(path, out);
        passed += outcome.passed;
        failed += outcome.failed;
        if (outcome.errors.empty()) {
            out << "  SUCCESS\n";
        } else {
            out << "  FAILED:\n";
            for (const auto& e : outcome.errors) out << e << "\n\n";
        }
        out << "\n";
    }
    out << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}

}  // namespace stackwatch::rules
