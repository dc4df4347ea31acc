#include "ruler/promql/test_script.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "common/config.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/promql/lexer.hpp"
#include "ruler/promql/series_notation.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::promql {

namespace {

// The engine settings Prometheus's own test runner uses.
constexpr std::int64_t kMaxSamples = 10000;
constexpr std::int64_t kRangeCheckStepMs = 60 * 1000;

std::string trim(std::string_view s) {
    auto first = s.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) return "";
    auto last = s.find_last_not_of(" \t\r");
    return std::string(s.substr(first, last - first + 1));
}

std::vector<std::string> script_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (line.starts_with("#")) line.clear();
        lines.push_back(line);
    }
    return lines;
}

std::string first_word(const std::string& line) {
    std::string word = line.substr(0, line.find_first_of(" \t"));
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return word;
}

// Relative error of 1e-6, as Prometheus's almostEqual; NaN equals NaN.
bool almost_equal(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    if (a == b) return true;
    constexpr double kEpsilon = 0.000001;
    const double min_normal = std::numeric_limits<double>::min();
    double diff = std::fabs(a - b);
    if (a == 0 || b == 0 || diff < min_normal) return diff < kEpsilon * min_normal;
    return diff / (std::fabs(a) + std::fabs(b)) < kEpsilon;
}

std::optional<double> parse_plain_number(const std::string& text) {
    if (text.empty() || text.find_first_of(" \t{") != std::string::npos) return std::nullopt;
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    if (*end != '\0') return std::nullopt;
    return parse_number(text);
}

struct Expectation {
    std::optional<double> scalar;
    std::vector<std::pair<Labels, double>> samples;  // in the order written
};

struct EvalCommand {
    int line;
    std::string expr;
    Timestamp at;
    bool fail = false;
    bool ordered = false;
    Expectation expected;
};

// Returns an empty string when `result` is what was expected.
std::string compare(const EvalCommand& cmd, const Value& result, bool check_order) {
    if (const auto* s = std::get_if<Scalar>(&result)) {
        if (!cmd.expected.scalar) return "expected a vector, got scalar " + format_float(s->v);
        if (!almost_equal(*cmd.expected.scalar, s->v))
            return "expected scalar " + format_float(*cmd.expected.scalar) + " but got " +
                   format_float(s->v);
        return "";
    }
    if (std::holds_alternative<Matrix>(result))
        return "received range result on instant evaluation";
    if (std::holds_alternative<String>(result)) return "received string result";
    if (cmd.expected.scalar)
        return "expected scalar " + format_float(*cmd.expected.scalar) + ", got a vector";
    const Vector& vec = std::get<Vector>(result);
    std::map<Labels, std::size_t> position;
    for (std::size_t i = 0; i < cmd.expected.samples.size(); ++i)
        position[cmd.expected.samples[i].first] = i;
    std::vector<bool> seen(cmd.expected.samples.size());
    for (std::size_t i = 0; i < vec.size(); ++i) {
        auto it = position.find(vec[i].labels);
        if (it == position.end())
            return "unexpected metric " + vec[i].labels.to_string() + " in result";
        if (check_order && it->second != i)
            return "expected metric " + vec[i].labels.to_string() + " at position " +
                   std::to_string(it->second + 1) + " but was at " + std::to_string(i + 1);
        double want = cmd.expected.samples[it->second].second;
        if (!almost_equal(want, vec[i].v))
            return "expected " + format_float(want) + " for " + vec[i].labels.to_string() +
                   " but got " + format_float(vec[i].v);
        seen[it->second] = true;
    }
    for (std::size_t i = 0; i < seen.size(); ++i)
        if (!seen[i])
            return "expected metric " + cmd.expected.samples[i].first.to_string() + " not found";
    return "";
}

// Evaluates as an instant query, then as a range query around the same time whose middle step
// must agree: both paths of the engine get exercised by every case.
std::string run_eval(const EvalCommand& cmd, const Engine& engine, const Queryable& data) {
    Value result;
    try {
        result = engine.instant(cmd.expr, cmd.at, data);
    } catch (const std::exception& e) {
        if (cmd.fail) return "";
        return std::string("error evaluating query: ") + e.what();
    }
    if (cmd.fail) return "expected error evaluating query but got none";
    if (std::string err = compare(cmd, result, cmd.ordered); !err.empty()) return err;
    if (cmd.ordered) return "";
    Matrix range;
    try {
        range = engine.range(parse(cmd.expr), cmd.at - kRangeCheckStepMs,
                             cmd.at + kRangeCheckStepMs, kRangeCheckStepMs, data);
    } catch (const std::exception& e) {
        return std::string("error evaluating query in range mode: ") + e.what();
    }
    Vector middle;
    for (const auto& series : range)
        for (const auto& s : series.samples)
            if (s.t == cmd.at) middle.push_back(VectorSample{series.labels, s.t, s.v});
    Value from_range = middle;
    if (std::holds_alternative<Scalar>(result))
        from_range = Scalar{cmd.at, middle.empty() ? NAN : middle.front().v};
    if (std::string err = compare(cmd, from_range, false); !err.empty())
        return err + " (range mode)";
    return "";
}

class ScriptRunner {
public:
    ScriptRunner(std::string name, const std::string& text)
        : lines_(script_lines(text)), engine_(EngineOptions{.max_samples = kMaxSamples}) {
        result_.file = std::move(name);
    }

    TestFileResult run() {
        for (i_ = 0; i_ < lines_.size(); ++i_) {
            const std::string& line = lines_[i_];
            if (line.empty()) continue;
            std::string command = first_word(line);
            try {
                if (command == "clear") {
                    store_.clear();
                } else if (command == "load") {
                    load();
                } else if (command.starts_with("eval")) {
                    eval();
                } else {
                    record_failure(i_, "invalid command \"" + line + "\"");
                }
            } catch (const std::exception& e) {
                record_failure(i_, e.what());
            }
        }
        return result_;
    }

private:
    std::vector<std::string> lines_;
    std::size_t i_ = 0;
    storage::MemoryStore store_;
    Engine engine_;
    TestFileResult result_;

    void record_failure(std::size_t line_index, const std::string& message) {
        ++result_.failed;
        result_.failures.push_back(result_.file + ":" + std::to_string(line_index + 1) + ": " +
                                   message);
    }

    // The definition lines that follow a command, up to the next blank line.
    std::vector<std::size_t> block() {
        std::vector<std::size_t> out;
        while (i_ + 1 < lines_.size() && !lines_[i_ + 1].empty()) out.push_back(++i_);
        return out;
    }

    void load() {
        std::string step_text = trim(lines_[i_].substr(4));
        auto step = try_parse_duration(step_text);
        if (!step) throw std::runtime_error("invalid step definition \"" + step_text + "\"");
        // A series defined twice in one block keeps its last definition, as in Prometheus.
        std::map<Labels, std::vector<SequenceValue>> series;
        for (std::size_t line : block()) {
            SeriesDescription desc = parse_series_description(lines_[line]);
            series[desc.labels] = std::move(desc.values);
        }
        for (const auto& [labels, values] : series)
            for (const auto& s : expand_samples(values, 0, step->count()))
                if (store_.append(labels, s.t, s.v) != storage::AppendResult::ok)
                    throw std::runtime_error("cannot append sample of " + labels.to_string() +
                                             " at " + std::to_string(s.t) + "ms");
    }

    void eval() {
        EvalCommand cmd{static_cast<int>(i_ + 1), "", 0};
        std::istringstream words(lines_[i_]);
        std::string command, instant, at_word, at_text;
        words >> command >> instant >> at_word >> at_text;
        std::string lowered = first_word(command);
        cmd.fail = lowered == "eval_fail";
        cmd.ordered = lowered == "eval_ordered";
        if ((lowered != "eval" && !cmd.fail && !cmd.ordered) || instant != "instant" ||
            at_word != "at")
            throw std::runtime_error(
                "invalid evaluation command. (eval[_fail|_ordered] instant [at <offset:duration>] "
                "<query>");
        std::getline(words, cmd.expr);
        cmd.expr = trim(cmd.expr);
        auto at = try_parse_duration(at_text);
        if (!at) throw std::runtime_error("invalid evaluation time \"" + at_text + "\"");
        cmd.at = at->count();
        std::size_t command_index = i_;
        try {
            for (std::size_t line : block()) {
                if (auto number = parse_plain_number(lines_[line])) {
                    cmd.expected.scalar = number;
                    continue;
                }
                SeriesDescription desc = parse_series_description(lines_[line]);
                if (desc.values.size() != 1)
                    throw std::runtime_error(
                        "expecting multiple values in instant evaluation not allowed");
                cmd.expected.samples.emplace_back(desc.labels, desc.values.front().value);
            }
        } catch (const std::exception& e) {
            record_failure(command_index, e.what());
            return;
        }
        std::string error = run_eval(cmd, engine_, store_);
        if (error.empty()) {
            ++result_.passed;
        } else {
            record_failure(command_index, cmd.expr + ": " + error);
        }
    }
};

}  // namespace

TestFileResult run_promql_test_script(const std::string& name, const std::string& text) {
    return ScriptRunner(name, text).run();
}

TestFileResult run_promql_test_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        TestFileResult result{path};
        result.failed = 1;
        result.failures.push_back(path + ": cannot open file");
        return result;
    }
    std::stringstream text;
    text << in.rdbuf();
    return run_promql_test_script(path, text.str());
}

int run_promql_tests(const std::vector<std::string>& files, std::ostream& out) {
    int passed = 0, failed = 0;
    for (const auto& file : files) {
        TestFileResult r = run_promql_test_file(file);
        out << r.file << ": " << r.passed << " passed, " << r.failed << " failed\n";
        for (const auto& f : r.failures) out << "  " << f << "\n";
        passed += r.passed;
        failed += r.failed;
    }
    out << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}

}  // namespace stackwatch::promql
