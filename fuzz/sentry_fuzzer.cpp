// What a Sentry SDK POSTs to /api/{project}/envelope/ and /api/{project}/store/:
//   mode 0: an envelope (header line, items with their headers and payloads)
//   mode 1: a store body (one event as JSON)
//   mode 2: an envelope sent gzip- or deflate-compressed, inflated first with the handler's cap
// The first byte picks the mode. Bad bodies give InvalidError (the handler's 400).

#include "common/gzip.hpp"
#include "fuzz/fuzz_input.hpp"
#include "ruler/errors/error_json.hpp"
#include "ruler/errors/sentry_event.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch::errors;
    auto now = TimePoint(std::chrono::seconds(1'700'000'000));
    auto [mode, body] = stackwatch::fuzz::split_mode(data, size, 3);
    std::vector<ErrorEvent> events;
    try {
        if (mode == 0) {
            events = events_from_envelope(body, now);
        } else if (mode == 1) {
            auto event = nlohmann::json::parse(body, nullptr, false);
            if (event.is_discarded()) return 0;  // the handler's "the body is not valid JSON"
            events.push_back(event_from_sentry(event, now));
        } else {
            auto inflated = stackwatch::inflate_body(body, 16 << 20);
            if (!inflated) return 0;  // the handler's "does not inflate"
            events = events_from_envelope(*inflated, now);
        }
    } catch (const InvalidError&) {
        return 0;  // bad input, cleanly refused
    }
    for (const auto& event : events) (void)event_record(event);
    return 0;
}
