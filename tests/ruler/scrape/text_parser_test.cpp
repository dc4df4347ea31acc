#include "ruler/scrape/text_parser.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

using namespace stackwatch::scrape;

namespace {

std::filesystem::path peer_sample() {
    const char* dir = std::getenv("STACKWATCH_SHARED_DIR");
    return std::filesystem::path(dir ? dir : "") / "peer-tests/textparse/promtestdata.txt";
}

boost::test_tools::assertion_result peer_sample_present(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result present = std::filesystem::exists(peer_sample());
    present.message() << "Prometheus's sample exposition " << peer_sample() << " is absent";
    return present;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

struct Parsed {
    std::string name;
    std::map<std::string, std::string> labels;
    double value;
    std::optional<std::int64_t> timestamp;
    std::string series;
};

std::vector<Parsed> parse_all(std::string_view text,
                              ExpositionFormat format = ExpositionFormat::prometheus) {
    std::vector<Parsed> out;
    TextParser parser(text, format);
    while (parser.next()) {
        const auto& s = parser.sample();
        Parsed p{std::string(s.name), {}, s.value, s.timestamp_ms, std::string(s.series)};
        for (const auto& l : s.labels) p.labels[std::string(l.name)] = std::string(l.value);
        out.push_back(std::move(p));
    }
    return out;
}

// The line number and message of the first error, or "" when the input parses.
std::pair<std::size_t, std::string> first_error(
    std::string_view text, ExpositionFormat format = ExpositionFormat::prometheus) {
    try {
        parse_all(text, format);
    } catch (const TextParseError& e) {
        return {e.line(), e.what()};
    }
    return {0, ""};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_parser)

BOOST_AUTO_TEST_CASE(parses_prometheus_sample_exposition,
                     *boost::unit_test::precondition(peer_sample_present)) {
    std::string text = read_file(peer_sample());
    // Every line that is neither blank nor a comment is one sample.
    std::size_t expected = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (!line.empty() && line[0] != '#') ++expected;
    BOOST_REQUIRE(expected > 100);

    auto samples = parse_all(text);
    BOOST_TEST(samples.size() == expected);

    auto find = [&](const std::string& name, const std::map<std::string, std::string>& labels) {
        for (const auto& s : samples)
            if (s.name == name && s.labels == labels) return s;
        BOOST_FAIL("series " << name << " not parsed");
        return Parsed{};
    };
    BOOST_TEST(find("go_gc_duration_seconds", {{"quantile", "0.25"}}).value ==
               7.424100000000001e-05);
    BOOST_TEST(find("go_gc_duration_seconds_count", {}).value == 99);
    BOOST_TEST(find("go_goroutines", {}).value == 33);
    BOOST_TEST(find("go_memstats_last_gc_time_seconds", {}).value == 1.4843955586166437e+09);
    auto interval = find("prometheus_target_interval_length_seconds",
                         {{"interval", "50ms"}, {"quantile", "0.99"}});
    BOOST_TEST(interval.value == 0.054404386000000006);
    BOOST_TEST(interval.series ==
               "prometheus_target_interval_length_seconds{interval=\"50ms\",quantile=\"0.99\"}");
    BOOST_TEST(!interval.timestamp.has_value());
}

BOOST_AUTO_TEST_CASE(reads_special_values_timestamps_and_escapes) {
    auto samples = parse_all(
        "# HELP http_requests_total The total.\\n With escapes.\n"
        "# TYPE http_requests_total counter\n"
        "http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n"
        "http_requests_total{method=\"post\",code=\"400\",}    3   -1395066363000\n"
        "\n"
        "  # a free comment\n"
        "msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find "
        "file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
        "metric_without_timestamp_and_labels 12.47\n"
        "empty_braces{} +Inf\n"
        "minus_inf { a = \"x\" , b=\"\\t\" } -Inf\n"
        "not_a_number NaN\n"
        "rpc_duration_seconds{quantile=\"0.5\"} 4773\n"
        "name:with:colons_1 1e-3\n");
    BOOST_REQUIRE(samples.size() == 9);
    BOOST_TEST(samples[0].labels ==
               (std::map<std::string, std::string>{{"method", "post"}, {"code", "200"}}));
    BOOST_TEST(samples[0].value == 1027);
    BOOST_TEST(samples[0].timestamp.value() == 1395066363000);
    BOOST_TEST(samples[1].timestamp.value() == -1395066363000);
    BOOST_TEST(samples[1].labels.size() == 2u);
    BOOST_TEST(samples[2].labels["path"] == "C:\\DIR\\FILE.TXT");
    BOOST_TEST(samples[2].labels["error"] == "Cannot find file:\n\"FILE.TXT\"");
    BOOST_TEST(samples[2].value == 1.458255915e9);
    BOOST_TEST(samples[3].value == 12.47);
    BOOST_TEST(!samples[3].timestamp.has_value());
    BOOST_TEST(samples[4].labels.empty());
    BOOST_TEST((std::isinf(samples[4].value) && samples[4].value > 0));
    BOOST_TEST(samples[5].series == "minus_inf { a = \"x\" , b=\"\\t\" }");
    BOOST_TEST(samples[5].labels["a"] == "x");
    BOOST_TEST(samples[5].labels["b"] == "\\t");  // unknown escapes are kept as written
    BOOST_TEST((std::isinf(samples[5].value) && samples[5].value < 0));
    BOOST_TEST(std::isnan(samples[6].value));
    BOOST_TEST(samples[8].name == "name:with:colons_1");
    BOOST_TEST(samples[8].value == 0.001);
}

BOOST_AUTO_TEST_CASE(keeps_labels_valid_across_escaped_values) {
    // Several escaped values in one line grow the scratch buffer; earlier views must survive.
    std::string long_value(300, 'x');
    auto samples = parse_all("m{a=\"1\\\\\",b=\"" + long_value + "\\n\",c=\"plain\"} 1\n");
    BOOST_REQUIRE(samples.size() == 1);
    BOOST_TEST(samples[0].labels["a"] == "1\\");
    BOOST_TEST(samples[0].labels["b"] == long_value + "\n");
    BOOST_TEST(samples[0].labels["c"] == "plain");
}

BOOST_AUTO_TEST_CASE(names_the_line_of_malformed_input) {
    struct Case {
        std::string text;
        std::size_t line;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"ok 1\nbad_value abc\n", 2, "invalid value \"abc\""},
        {"ok 1\n\nno_value\n", 3, "expected value after metric no_value"},
        {"# HELP x y\n9metric 1\n", 2, "invalid metric name"},
        {"m{a=\"b\" 1\n", 1, "expected ',' or '}'"},
        {"m{a=\"b\n", 1, "unterminated value of label a"},
        {"m{a\"b\"} 1\n", 1, "expected '=' after label name a"},
        {"m{a=b} 1\n", 1, "expected '\"'"},
        {"m{1a=\"b\"} 1\n", 1, "invalid label name"},
        {"m{a=\"b\",\n", 1, "unterminated label set"},
        {"ok 1\nok 2\nm 1 12.5\n", 3, "invalid timestamp \"12.5\""},
        {"m 1 2 3\n", 1, "unexpected \"3\""},
        {"# TYPE m countr\nm 1\n", 1, "invalid metric type \"countr\""},
        {"# TYPE 1m counter\n", 1, "invalid metric name in TYPE line"},
        {"m 1\n# HELP m-x help\n", 2, "invalid metric name in HELP line"},
        {"m-1 2\n", 1, "invalid metric name \"m-1\""},
        {"m 1\n# TYPE m counter extra\n", 2, "unexpected text after TYPE m"},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("input: " << c.text) {
            auto [line, message] = first_error(c.text);
            BOOST_TEST(line == c.line);
            BOOST_TEST(message.find("line " + std::to_string(c.line) + ": ") == 0u);
            BOOST_TEST(message.find(c.message) != std::string::npos, message);
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_openmetrics_text) {
    auto samples = parse_all(
        "# TYPE requests counter\n"
        "# UNIT requests seconds\n"
        "# HELP requests Requests.\n"
        "requests_total{path=\"/\"} 10 1520879607.789 # {trace_id=\"abc\"} 1 1520879607.7\n"
        "requests_created{path=\"/\"} 1520430000.123\n"
        "# TYPE temp gauge\n"
        "temp 21.5 # {} 1\n"
        "temp_created 3\n"
        "# EOF\n",
        ExpositionFormat::openmetrics);
    BOOST_REQUIRE(samples.size() == 3);
    BOOST_TEST(samples[0].value == 10);
    BOOST_TEST(samples[0].timestamp.value() == 1520879607789);
    BOOST_TEST(samples[1].name == "temp");
    BOOST_TEST(samples[1].value == 21.5);
    BOOST_TEST(samples[2].name == "temp_created");  // a gauge's _created is an ordinary series
}

// Found by fuzz/textparse_fuzzer: 1e41 seconds made an int64 of milliseconds out of range.
BOOST_AUTO_TEST_CASE(refuses_openmetrics_timestamps_beyond_int64) {
    for (std::string_view text :
         {"w 0 1e41", "w 0 -1e41", "w 0 9223372036854776", "w 0 NaN", "w 0 +Inf"}) {
        auto error = first_error(text, ExpositionFormat::openmetrics);
        BOOST_TEST(error.first == 1u, text);
        BOOST_TEST(error.second.find("invalid timestamp") != std::string::npos, error.second);
    }
    auto near = parse_all("w 0 1e15\n# EOF\n", ExpositionFormat::openmetrics);
    BOOST_REQUIRE(near.size() == 1u);
    BOOST_TEST(near[0].timestamp.value() == 1000000000000000000);
}

BOOST_AUTO_TEST_CASE(requires_openmetrics_eof) {
    auto missing = first_error("a 1\nb 2\n", ExpositionFormat::openmetrics);
    BOOST_TEST(missing.second.find("does not end with # EOF") != std::string::npos, missing.second);
    auto after = first_error("a 1\n# EOF\nb 2\n", ExpositionFormat::openmetrics);
    BOOST_TEST(after.first == 3u);
    BOOST_TEST(after.second.find("after # EOF") != std::string::npos, after.second);
    // In the 0.0.4 format "# EOF" is only a comment.
    BOOST_TEST(parse_all("a 1\n# EOF\nb 2\n").size() == 2u);
}

BOOST_AUTO_TEST_CASE(picks_format_from_content_type) {
    BOOST_TEST(
        (format_from_content_type("application/openmetrics-text; version=1.0.0; charset=utf-8") ==
         ExpositionFormat::openmetrics));
    BOOST_TEST(
        (format_from_content_type("text/plain; version=0.0.4") == ExpositionFormat::prometheus));
    BOOST_TEST((format_from_content_type("") == ExpositionFormat::prometheus));
}

BOOST_AUTO_TEST_CASE(parses_go_float_spellings) {
    double v = 0;
    for (const char* good : {"1", "-1.5", "+2", "1e10", "+Inf", "-Inf", "Inf", "NaN", ".5", "1."}) {
        BOOST_TEST_CONTEXT(good) {
            BOOST_TEST(parse_sample_value(good, v));
        }
    }
    for (const char* bad : {"", "+", "++1", "+-1", "1x", "abc", "1 "}) {
        BOOST_TEST_CONTEXT(bad) {
            BOOST_TEST(!parse_sample_value(bad, v));
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
