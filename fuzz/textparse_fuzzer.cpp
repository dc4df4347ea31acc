// A scraped body, read as the 0.0.4 text format and as OpenMetrics, the way a scrape reads it:
// every sample until the end or the first TextParseError.

#include "fuzz/fuzz_input.hpp"
#include "ruler/scrape/text_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stackwatch::scrape;
    auto input = stackwatch::fuzz::as_text(data, size);
    for (auto format : {ExpositionFormat::prometheus, ExpositionFormat::openmetrics}) {
        try {
            TextParser parser(input, format);
            std::size_t seen = 0;
            while (parser.next()) {
                const auto& sample = parser.sample();
                seen += sample.series.size() + sample.name.size();
                for (const auto& label : sample.labels)
                    seen += label.name.size() + label.value.size();
            }
            (void)seen;
        } catch (const TextParseError&) {
            // bad input, cleanly refused
        }
    }
    double value = 0;
    parse_sample_value(input.substr(0, 64), value);
    return 0;
}
