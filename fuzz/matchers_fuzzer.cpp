// Alertmanager's matchers as `matchers:` lists, amtool's filters and silences give them: one
// matcher (`a=~"b"`, `a=b`) and lists (`{a="b",c=~"d"}`, `a=b, c!=d`). What parses is printed,
// as amtool's route tree shows it, and that text must parse to the same matchers.

#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_input.hpp"
#include "ruler/notify/matchers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch::notify;
    auto input = stackwatch::fuzz::as_text(data, size);
    try {
        auto matcher = parse_matcher(input);
        (void)matcher_string(matcher);
    } catch (const MatcherError&) {
        // bad input, cleanly refused
    }
    Matchers matchers;
    try {
        matchers = parse_matchers(input);
    } catch (const MatcherError&) {
        return 0;
    }
    sort_matchers(matchers);
    std::string printed = matchers_string(matchers);
    Matchers again;
    try {
        again = parse_matchers(printed);
    } catch (const MatcherError& e) {
        std::fprintf(stderr, "printed matchers do not parse again:\n%s\n%s\n", printed.c_str(),
                     e.what());
        std::abort();
    }
    sort_matchers(again);
    if (matchers_string(again) != printed) {
        std::fprintf(stderr, "printed matchers read back differently:\n%s\n%s\n", printed.c_str(),
                     matchers_string(again).c_str());
        std::abort();
    }
    (void)matches_all(matchers, stackwatch::promql::Labels({{"alertname", "x"}, {"job", "api"}}));
    return 0;
}
