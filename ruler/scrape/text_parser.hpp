#pragma once
// The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0 text, parsed in place. Like
// Prometheus's textparse it yields one sample at a time as views into the scraped body, so a
// scrape allocates nothing per sample once its buffers have grown to the widest line.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace stackwatch::scrape {

class TextParseError : public std::runtime_error {
  public:
    TextParseError(std::size_t line, const std::string& message);
    std::size_t line() const { return line_; }

  private:
    std::size_t line_;
};

enum class ExpositionFormat { prometheus, openmetrics };

// What Prometheus 2.42 sends when it scrapes: OpenMetrics preferred, the 0.0.4 text format next.
inline constexpr std::string_view kScrapeAcceptHeader =
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
    "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

// OpenMetrics only when the target says so; anything else is read as the 0.0.4 text format.
ExpositionFormat format_from_content_type(std::string_view content_type);

struct LabelView {
    std::string_view name;
    std::string_view value;  // unescaped
};

// Valid until the next call to TextParser::next().
struct SampleView {
    std::string_view series;  // the raw name{labels} text: a cheap cache key for its label set
    std::string_view name;
    std::span<const LabelView> labels;  // in exposition order, possibly with duplicates
    double value = 0;
    std::optional<std::int64_t> timestamp_ms;
};

class TextParser {
  public:
    explicit TextParser(std::string_view text,
                        ExpositionFormat format = ExpositionFormat::prometheus);

    // Moves to the next sample, skipping HELP, TYPE and comments. Returns false at the end of
    // the input. Throws TextParseError naming the 1-based line.
    bool next();
    const SampleView& sample() const { return sample_; }
    std::size_t line() const { return line_; }

  private:
    bool parse_line(std::string_view line);
    void parse_comment(std::string_view line);
    bool parse_sample(std::string_view line);
    std::size_t parse_labels(std::string_view line, std::size_t pos);
    std::size_t parse_label_value(std::string_view line, std::size_t pos);
    void parse_timestamp(std::string_view token);
    bool is_created_series(std::string_view name) const;
    [[noreturn]] void fail(const std::string& message) const;

    std::string_view text_;
    ExpositionFormat format_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
    bool saw_eof_ = false;
    std::string_view family_;       // the metric family of the last TYPE line
    std::string_view family_type_;  // and its type
    std::vector<LabelView> labels_;
    std::string unescaped_;  // label values that carried escapes, back to back
    struct EscapedValue {
        std::size_t label;
        std::size_t offset;
        std::size_t size;
    };
    std::vector<EscapedValue> escaped_;
    SampleView sample_;
};

// Go's strconv.ParseFloat as the exposition formats use it: "+Inf", "-Inf", "NaN", exponents.
bool parse_sample_value(std::string_view text, double& out);

}  // namespace stackwatch::scrape
