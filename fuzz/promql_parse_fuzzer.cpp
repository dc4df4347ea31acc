// PromQL as users write it in rule files, the query API and templates: parse() and, for what
// parses, the canonical text that rule listings print, which must parse again.

#include <cstdio>
#include <cstdlib>

#include "fuzz/fuzz_input.hpp"
#include "ruler/promql/ast.hpp"
#include "ruler/promql/engine.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch::promql;
    auto input = stackwatch::fuzz::as_text(data, size);
    ExprPtr expr;
    try {
        expr = parse(input);
    } catch (const ParseError&) {
        return 0;  // bad input, cleanly refused
    }
    std::string printed = to_string(*expr);
    try {
        parse(printed);
    } catch (const ParseError& e) {
        std::fprintf(stderr, "printed form does not parse again:\n%s\n%s\n", printed.c_str(),
                     e.what());
        std::abort();
    }
    return 0;
}
