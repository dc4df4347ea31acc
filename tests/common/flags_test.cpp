#include <boost/test/unit_test.hpp>

#include <sstream>

#include "common/flags.hpp"

using stackwatch::FlagSet;

namespace {
struct Parsed {
    FlagSet::Outcome outcome;
    std::string out, err;
};
Parsed parse(FlagSet& flags, std::vector<const char*> args) {
    args.insert(args.begin(), "prog");
    std::ostringstream out, err;
    auto outcome = flags.parse(static_cast<int>(args.size()), args.data(), out, err);
    return {outcome, out.str(), err.str()};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(flags)

BOOST_AUTO_TEST_CASE(parses_values_and_booleans) {
    std::string listen = ":1", path = "/metrics";
    bool pg = true, redis = false;
    FlagSet flags("prog", "summary", "1.2.3");
    flags.add_string("web.listen-address", "addr", &listen);
    flags.add_string("web.telemetry-path", "path", &path);
    flags.add_bool("collector.pg", "pg", &pg);
    flags.add_bool("collector.redis", "redis", &redis);
    auto r = parse(flags, {"--web.listen-address=127.0.0.1:9", "--web.telemetry-path", "/m",
                           "--no-collector.pg", "--collector.redis"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::run));
    BOOST_TEST(listen == "127.0.0.1:9");
    BOOST_TEST(path == "/m");
    BOOST_TEST(!pg);
    BOOST_TEST(redis);
}

BOOST_AUTO_TEST_CASE(unknown_and_incomplete_flags_are_usage_errors) {
    std::string value;
    FlagSet flags("prog", "summary", "1.2.3");
    flags.add_string("config.file", "cfg", &value);
    auto r = parse(flags, {"--config.fle=x"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::exit_usage_error));
    BOOST_TEST(r.err == "prog: error: unknown long flag '--config.fle', try --help\n");
    r = parse(flags, {"--config.file"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::exit_usage_error));
    BOOST_TEST(r.err.find("expected argument") != std::string::npos);
    r = parse(flags, {"stray"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::exit_usage_error));
    r = parse(flags, {"--no-config.file"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::exit_usage_error));
}

BOOST_AUTO_TEST_CASE(help_and_version) {
    std::string value = "default.yml";
    FlagSet flags("prog", "Does things.", "1.2.3");
    flags.add_string("config.file", "Config file.", &value);
    auto r = parse(flags, {"--help"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::exit_success));
    BOOST_TEST(r.out.find("--config.file=VALUE") != std::string::npos);
    BOOST_TEST(r.out.find("(default: default.yml)") != std::string::npos);
    r = parse(flags, {"--version"});
    BOOST_TEST(r.out == "prog version 1.2.3\n");
}

BOOST_AUTO_TEST_CASE(positional_arguments_when_allowed) {
    FlagSet flags("prog", "s", "1");
    flags.allow_positional("check rules FILE...");
    auto r = parse(flags, {"check", "rules", "a.yml", "--", "--b.yml"});
    BOOST_TEST((r.outcome == FlagSet::Outcome::run));
    BOOST_TEST(flags.positional().size() == 4u);
    BOOST_TEST(flags.positional().back() == "--b.yml");
}

BOOST_AUTO_TEST_SUITE_END()
