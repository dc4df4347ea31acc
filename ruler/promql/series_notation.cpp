#include "ruler/promql/series_notation.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>

#include "ruler/promql/ast.hpp"
#include "ruler/promql/lexer.hpp"

namespace stackwatch::promql {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

bool is_number(std::string_view s) {
    if (s.empty()) return false;
    std::string text(s);
    char* end = nullptr;
    std::strtod(text.c_str(), &end);
    return *end == '\0';
}

// Where the series part of a line ends: after the metric name and its braces, if any.
std::size_t series_end(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() &&
           (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_' || line[i] == ':'))
        ++i;
    if (i >= line.size() || line[i] != '{') return i;
    char quote = 0;
    for (; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (c == '\\')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'' || c == '`') {
            quote = c;
        } else if (c == '}') {
            return i + 1;
        }
    }
    return line.size();
}

[[noreturn]] void fail(std::size_t column, const std::string& message) {
    throw ParseError(1, static_cast<int>(column) + 1, message);
}

void append_item(std::string_view item, std::size_t column, std::vector<SequenceValue>& out) {
    std::string_view base = item;
    std::int64_t times = -1;  // -1: no `xn` suffix
    if (auto x = item.rfind('x');
        x != std::string_view::npos && x > 0 && all_digits(item.substr(x + 1))) {
        base = item.substr(0, x);
        times = std::stoll(std::string(item.substr(x + 1)));
    }
    if (base == "_") {
        for (std::int64_t i = 0; i < std::max<std::int64_t>(times, 1); ++i)
            out.push_back({0, true});
        return;
    }
    if (base == "stale") {
        for (std::int64_t i = 0; i <= std::max<std::int64_t>(times, 0); ++i)
            out.push_back({stale_marker(), false});
        return;
    }
    // Split "a+b" / "a-b" at a sign that is neither leading nor part of an exponent.
    std::size_t split = std::string_view::npos;
    for (std::size_t i = 1; i < base.size() && split == std::string_view::npos; ++i)
        if ((base[i] == '+' || base[i] == '-') && base[i - 1] != 'e' && base[i - 1] != 'E')
            split = i;
    std::string_view first = split == std::string_view::npos ? base : base.substr(0, split);
    std::string_view increment = split == std::string_view::npos ? "" : base.substr(split);
    auto number = [&](std::string_view text) {
        if (!is_number(text)) fail(column, "invalid value \"" + std::string(item) + "\"");
        return parse_number(text);
    };
    double value = number(first);
    if (!increment.empty() && times < 0)
        fail(column, "missing \"x<count>\" after \"" + std::string(base) + "\"");
    double step = increment.empty() ? 0 : number(increment);
    out.push_back({value, false});
    for (std::int64_t i = 1; i <= times; ++i) {
        value += step;
        out.push_back({value, false});
    }
}

}  // namespace

std::vector<SequenceValue> parse_sequence_values(std::string_view values) {
    std::vector<SequenceValue> out;
    std::size_t i = 0;
    while (i < values.size()) {
        if (std::isspace(static_cast<unsigned char>(values[i]))) {
            ++i;
            continue;
        }
        std::size_t end = i;
        while (end < values.size() && !std::isspace(static_cast<unsigned char>(values[end]))) ++end;
        append_item(values.substr(i, end - i), i, out);
        i = end;
    }
    return out;
}

SeriesDescription parse_series_description(std::string_view line) {
    std::size_t end = series_end(line);
    std::string_view series = line.substr(0, end);
    if (series.empty()) fail(0, "missing series name or labels");
    SeriesDescription desc;
    if (series != "{}") {
        ExprPtr expr = parse(series);
        const auto* vs = std::get_if<VectorSelector>(&expr->node);
        if (vs == nullptr) fail(0, "expected a series, got \"" + std::string(series) + "\"");
        std::vector<Label> labels;
        for (const auto& m : vs->matchers) {
            if (m.type() != MatchType::equal)
                fail(0, "series labels must use \"=\": " + m.to_string());
            labels.push_back(Label{m.name(), m.value()});
        }
        desc.labels = Labels(std::move(labels));
    }
    try {
        desc.values = parse_sequence_values(line.substr(end));
    } catch (const ParseError& e) {
        throw ParseError(1, e.column() + static_cast<int>(end), e.detail());
    }
    return desc;
}

std::vector<Sample> expand_samples(const std::vector<SequenceValue>& values, Timestamp start,
                                   std::int64_t step_ms) {
    std::vector<Sample> out;
    for (std::size_t i = 0; i < values.size(); ++i)
        if (!values[i].omitted)
            out.push_back(Sample{start + static_cast<Timestamp>(i) * step_ms, values[i].value});
    return out;
}

}  // namespace stackwatch::promql
