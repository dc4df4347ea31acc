// PromQL parsed and evaluated as an instant query over a small fixed store: a few counters,
// gauges and a histogram, 30 minutes of samples at 15 s. The engine's sample limit keeps every
// evaluation small; a query that parses but cannot be evaluated gives EvalError.

#include "fuzz/fuzz_input.hpp"
#include "ruler/promql/engine.hpp"
#include "ruler/storage/memory_store.hpp"

namespace {

using namespace stackwatch;
using promql::Label;
using promql::Labels;

constexpr promql::Timestamp kStart = 1'700'000'000'000;
constexpr promql::Timestamp kStep = 15'000;
constexpr int kPoints = 120;

const storage::MemoryStore& store() {
    static const auto* s = [] {
        auto* out = new storage::MemoryStore();
        auto add = [&](std::vector<Label> labels, double start, double slope) {
            Labels set(std::move(labels));
            for (int i = 0; i < kPoints; ++i)
                out->append(set, kStart + i * kStep, start + slope * i);
        };
        add({{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}}, 0, 10);
        add({{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "500"}}, 0, 1);
        add({{"__name__", "http_requests_total"}, {"job", "web"}, {"code", "200"}}, 100, 3);
        add({{"__name__", "up"}, {"job", "api"}, {"instance", "a:9090"}}, 1, 0);
        add({{"__name__", "up"}, {"job", "web"}, {"instance", "b:9090"}}, 0, 0);
        add({{"__name__", "pg_up"}, {"instance", "db"}}, 1, 0);
        add({{"__name__", "redis_memory_used_bytes"}, {"instance", "cache"}}, 1e6, -1e3);
        for (const char* le : {"0.1", "0.5", "1", "+Inf"})
            add({{"__name__", "http_request_duration_seconds_bucket"}, {"job", "api"}, {"le", le}},
                0,
                std::string_view(le) == "0.1"   ? 1
                : std::string_view(le) == "0.5" ? 4
                                                : 8);
        return out;
    }();
    return *s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // At most 10,000 samples loaded and 20,000 subquery steps per query; nesting is bounded by
    // the parser (kMaxDepth).
    static const promql::Engine engine(
        promql::EngineOptions{.max_samples = 10'000, .max_subquery_steps = 20'000});
    auto input = fuzz::as_text(data, size);
    try {
        engine.instant(input, kStart + kPoints * kStep, store());
    } catch (const promql::ParseError&) {
        // bad input, cleanly refused
    } catch (const promql::EvalError&) {
    }
    return 0;
}
