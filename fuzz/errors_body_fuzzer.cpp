// The body of POST /monitoring/errors: one error, a list, or {"errors": [...]}, read with the
// intake's limits, each occurrence then written as the store keeps it and read back. Bad bodies
// give InvalidError (the handler's 400).

#include "fuzz/fuzz_input.hpp"
#include "ruler/errors/error_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch::errors;
    auto now = TimePoint(std::chrono::seconds(1'700'000'000));
    std::vector<ErrorEvent> events;
    try {
        events = events_from_body(std::string(stackwatch::fuzz::as_text(data, size)), now);
    } catch (const InvalidError&) {
        return 0;  // bad input, cleanly refused
    }
    for (const auto& event : events) {
        auto record = event_record(event);
        (void)event_from_record(nlohmann::json::parse(record));
    }
    return 0;
}
