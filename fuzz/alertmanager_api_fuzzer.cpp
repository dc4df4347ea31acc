// The bodies of Alertmanager's API v2 that Prometheus and amtool POST:
//   mode 0: /api/v2/alerts, a JSON array of alerts
//   mode 1: /api/v2/silences, one silence, then Alertmanager's checks and an in-memory store
// The first byte picks the mode. Bad bodies give std::invalid_argument (the handlers' 400);
// SilenceError and SilenceNotFound are std::invalid_argument and std::runtime_error of their own.

#include "fuzz/fuzz_input.hpp"
#include "ruler/api/alertmanager_api.hpp"
#include "ruler/notify/silence.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch;
    auto [mode, text] = fuzz::split_mode(data, size, 2);
    try {
        if (mode == 0) {
            auto posted = ruler::alerts_from_body(std::string(text));
            for (const auto& alert : posted.valid) (void)alert.fingerprint();
        } else {
            auto silence = ruler::silence_from_body(std::string(text));
            notify::validate_silence(silence);
            notify::Silences silences;
            auto now = notify::TimePoint(std::chrono::seconds(1'700'000'000));
            auto id = silences.set(silence, now);
            (void)silences.silenced_by(promql::Labels({{"alertname", "x"}}), now);
            (void)id;
        }
    } catch (const std::invalid_argument&) {
        // bad input, cleanly refused (SilenceError is one too)
    } catch (const notify::SilenceNotFound&) {
        // an id the store does not hold
    }
    return 0;
}
