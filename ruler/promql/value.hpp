#pragma once
// PromQL's data model: label sets, samples, and the four value types an expression yields.

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace stackwatch::promql {

using Timestamp = std::int64_t;  // milliseconds since the Unix epoch

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
    std::string name;
    std::string value;
    auto operator<=>(const Label&) const = default;
};

// Sorted by name, names unique, empty values dropped (an empty value means "absent" in PromQL).
class Labels {
public:
    Labels() = default;
    Labels(std::initializer_list<Label> labels);
    explicit Labels(std::vector<Label> labels);

    const std::string& get(std::string_view name) const;  // "" when absent
    bool has(std::string_view name) const;
    void set(std::string_view name, std::string value);  // an empty value removes the label
    void erase(std::string_view name);
    Labels without_metric_name() const;

    const std::vector<Label>& items() const { return labels_; }
    auto begin() const { return labels_.begin(); }
    auto end() const { return labels_.end(); }
    std::size_t size() const { return labels_.size(); }
    bool empty() const { return labels_.empty(); }
    std::uint64_t hash() const;
    // name{a="b", c="d"} as Prometheus prints series, {a="b"} when there is no name.
    std::string to_string() const;

    auto operator<=>(const Labels&) const = default;

private:
    std::vector<Label> labels_;
};

struct Sample {
    Timestamp t;
    double v;
};

struct Series {
    Labels labels;
    std::vector<Sample> samples;  // ascending by time
};

struct VectorSample {
    Labels labels;
    Timestamp t;
    double v;
};

using Vector = std::vector<VectorSample>;
using Matrix = std::vector<Series>;

struct Scalar {
    Timestamp t;
    double v;
};

struct String {
    Timestamp t;
    std::string v;
};

using Value = std::variant<Scalar, String, Vector, Matrix>;

// [a-zA-Z_][a-zA-Z0-9_]*, Prometheus's rule for label names.
bool is_valid_label_name(std::string_view name);

// Prometheus marks a series as gone with this specific NaN bit pattern.
double stale_marker();
bool is_stale_marker(double v);

// strconv.Quote: how Prometheus prints label values, string literals and matcher values.
std::string go_quote(std::string_view text);

// Formats a float the way Prometheus's strconv.FormatFloat(v, 'f'/-1) output shows in results.
std::string format_float(double v);

}  // namespace stackwatch::promql
