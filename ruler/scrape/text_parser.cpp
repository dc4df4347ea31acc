#include "ruler/scrape/text_parser.hpp"

#include <charconv>
#include <cmath>

namespace stackwatch::scrape {
namespace {

bool is_label_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_label_char(char c) {
    return is_label_start(c) || (c >= '0' && c <= '9');
}
bool is_name_start(char c) {
    return is_label_start(c) || c == ':';
}
bool is_name_char(char c) {
    return is_label_char(c) || c == ':';
}
bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::size_t skip_blanks(std::string_view line, std::size_t pos) {
    while (pos < line.size() && is_blank(line[pos])) ++pos;
    return pos;
}

std::size_t token_end(std::string_view line, std::size_t pos) {
    while (pos < line.size() && !is_blank(line[pos])) ++pos;
    return pos;
}

std::string_view token_view(std::string_view line, std::size_t pos) {
    return line.substr(pos, token_end(line, pos) - pos);
}

std::size_t name_end(std::string_view line, std::size_t pos) {
    while (pos < line.size() && is_name_char(line[pos])) ++pos;
    return pos;
}

// Error messages quote what they met, shortened so a binary body cannot flood a log line.
std::string quoted(std::string_view text) {
    constexpr std::size_t kMax = 40;
    std::string out = "\"";
    out += text.substr(0, kMax);
    if (text.size() > kMax) out += "...";
    return out + "\"";
}

bool is_known_type(std::string_view type, ExpositionFormat format) {
    if (type == "counter" || type == "gauge" || type == "histogram" || type == "summary")
        return true;
    if (format == ExpositionFormat::prometheus) return type == "untyped";
    return type == "unknown" || type == "gaugehistogram" || type == "stateset" || type == "info";
}

}  // namespace

TextParseError::TextParseError(std::size_t line, const std::string& message)
    : std::runtime_error("line " + std::to_string(line) + ": " + message), line_(line) {}

ExpositionFormat format_from_content_type(std::string_view content_type) {
    return content_type.starts_with("application/openmetrics-text") ? ExpositionFormat::openmetrics
                                                                    : ExpositionFormat::prometheus;
}

bool parse_sample_value(std::string_view text, double& out) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    // from_chars takes no leading '+', which Go accepts and "+Inf" needs.
    if (begin != end && *begin == '+') {
        ++begin;
        if (begin != end && (*begin == '-' || *begin == '+')) return false;
    }
    if (begin == end) return false;
    auto [stop, error] = std::from_chars(begin, end, out);
    return error == std::errc() && stop == end;
}

TextParser::TextParser(std::string_view text, ExpositionFormat format)
    : text_(text), format_(format) {}

void TextParser::fail(const std::string& message) const {
    throw TextParseError(line_, message);
}

bool TextParser::next() {
    while (pos_ < text_.size() && !saw_eof_) {
        ++line_;
        std::size_t eol = text_.find('\n', pos_);
        if (eol == std::string_view::npos) eol = text_.size();
        std::string_view line = text_.substr(pos_, eol - pos_);
        pos_ = eol + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (parse_line(line)) return true;
    }
    if (format_ == ExpositionFormat::openmetrics) {
        if (!saw_eof_) fail("data does not end with # EOF");
        if (pos_ < text_.size()) {
            ++line_;
            fail("unexpected data after # EOF");
        }
    }
    return false;
}

bool TextParser::parse_line(std::string_view line) {
    std::size_t start = skip_blanks(line, 0);
    if (start == line.size()) return false;
    line.remove_prefix(start);
    if (line[0] == '#') {
        parse_comment(line);
        return false;
    }
    return parse_sample(line);
}

void TextParser::parse_comment(std::string_view line) {
    std::size_t pos = skip_blanks(line, 1);
    std::size_t end = token_end(line, pos);
    std::string_view keyword = line.substr(pos, end - pos);
    if (keyword == "EOF" && format_ == ExpositionFormat::openmetrics) {
        if (skip_blanks(line, end) != line.size()) fail("unexpected text after # EOF");
        saw_eof_ = true;
        return;
    }
    bool is_type = keyword == "TYPE";
    if (!is_type && keyword != "HELP" && keyword != "UNIT") return;  // a plain comment
    pos = skip_blanks(line, end);
    end = name_end(line, pos);
    if (end == pos || !is_name_start(line[pos]) || (end < line.size() && !is_blank(line[end])))
        fail("invalid metric name in " + std::string(keyword) +
             " line: " + quoted(line.substr(pos)));
    std::string_view family = line.substr(pos, end - pos);
    if (!is_type) return;
    pos = skip_blanks(line, end);
    end = token_end(line, pos);
    std::string_view type = line.substr(pos, end - pos);
    if (!is_known_type(type, format_)) fail("invalid metric type " + quoted(type));
    if (skip_blanks(line, end) != line.size())
        fail("unexpected text after TYPE " + std::string(family));
    family_ = family;
    family_type_ = type;
}

bool TextParser::parse_sample(std::string_view line) {
    if (!is_name_start(line[0])) fail("invalid metric name " + quoted(line));
    std::size_t pos = name_end(line, 0);
    std::string_view name = line.substr(0, pos);
    // "foo-1 2" must not read as foo with value -1 at time 2.
    if (pos < line.size() && !is_blank(line[pos]) && line[pos] != '{')
        fail("invalid metric name " + quoted(token_view(line, 0)));
    labels_.clear();
    pos = skip_blanks(line, pos);
    if (pos < line.size() && line[pos] == '{') pos = parse_labels(line, pos);
    std::size_t series_end = pos;
    while (series_end > name.size() && is_blank(line[series_end - 1])) --series_end;

    pos = skip_blanks(line, pos);
    if (pos == line.size()) fail("expected value after metric " + std::string(name));
    std::size_t end = token_end(line, pos);
    std::string_view value_text = line.substr(pos, end - pos);
    double value = 0;
    if (!parse_sample_value(value_text, value))
        fail("invalid value " + quoted(value_text) + " for metric " + std::string(name));

    sample_.timestamp_ms.reset();
    pos = skip_blanks(line, end);
    bool openmetrics = format_ == ExpositionFormat::openmetrics;
    if (pos < line.size() && !(openmetrics && line[pos] == '#')) {
        end = token_end(line, pos);
        parse_timestamp(line.substr(pos, end - pos));
        pos = skip_blanks(line, end);
    }
    // An OpenMetrics exemplar ("# {trace_id=...} 1") annotates the sample; it is not stored.
    if (pos < line.size() && !(openmetrics && line[pos] == '#'))
        fail("unexpected " + quoted(line.substr(pos)) + " after sample of " + std::string(name));

    if (openmetrics && is_created_series(name)) return false;
    sample_.series = line.substr(0, series_end);
    sample_.name = name;
    sample_.labels = labels_;
    sample_.value = value;
    return true;
}

std::size_t TextParser::parse_labels(std::string_view line, std::size_t pos) {
    unescaped_.clear();
    escaped_.clear();
    ++pos;  // '{'
    while (true) {
        pos = skip_blanks(line, pos);
        if (pos == line.size()) fail("unterminated label set");
        if (line[pos] == '}') break;
        if (!is_label_start(line[pos])) fail("invalid label name at " + quoted(line.substr(pos)));
        std::size_t end = pos;
        while (end < line.size() && is_label_char(line[end])) ++end;
        std::string_view label = line.substr(pos, end - pos);
        pos = skip_blanks(line, end);
        if (pos == line.size() || line[pos] != '=')
            fail("expected '=' after label name " + std::string(label));
        pos = skip_blanks(line, pos + 1);
        if (pos == line.size() || line[pos] != '"')
            fail("expected '\"' to open the value of label " + std::string(label));
        labels_.push_back(LabelView{label, {}});
        pos = skip_blanks(line, parse_label_value(line, pos + 1));
        if (pos < line.size() && line[pos] == ',') {
            ++pos;
        } else if (pos == line.size() || line[pos] != '}') {
            fail("expected ',' or '}' after the value of label " + std::string(label));
        }
    }
    // Views into unescaped_ are taken only now: appending may have moved it.
    for (const auto& e : escaped_)
        labels_[e.label].value = std::string_view(unescaped_).substr(e.offset, e.size);
    return pos + 1;
}

std::size_t TextParser::parse_label_value(std::string_view line, std::size_t pos) {
    std::size_t start = pos;
    while (pos < line.size() && line[pos] != '"' && line[pos] != '\\') ++pos;
    if (pos < line.size() && line[pos] == '"') {
        labels_.back().value = line.substr(start, pos - start);
        return pos + 1;
    }
    // Rare path: the value has escapes, so it is rebuilt in the scratch buffer.
    std::size_t offset = unescaped_.size();
    unescaped_.append(line.substr(start, pos - start));
    while (pos < line.size() && line[pos] != '"') {
        char c = line[pos];
        if (c == '\\') {
            if (++pos == line.size()) break;
            c = line[pos];
            if (c == 'n') {
                c = '\n';
            } else if (c != '\\' && c != '"') {
                unescaped_ += '\\';  // unknown escapes stay as written, as in Prometheus
            }
        }
        unescaped_ += c;
        ++pos;
    }
    if (pos == line.size()) fail("unterminated value of label " + std::string(labels_.back().name));
    escaped_.push_back(EscapedValue{labels_.size() - 1, offset, unescaped_.size() - offset});
    return pos + 1;
}

void TextParser::parse_timestamp(std::string_view token) {
    if (format_ == ExpositionFormat::openmetrics) {
        double seconds = 0;
        if (!parse_sample_value(token, seconds)) fail("invalid timestamp " + quoted(token));
        // NaN, the infinities and times whose milliseconds lie beyond int64 (1e41 s) are no
        // timestamps: converting them to int64 would be undefined.
        constexpr double kLimit = 9223372036854775808.0;  // 2^63
        double ms = seconds * 1000;
        if (!(ms >= -kLimit && ms < kLimit)) fail("invalid timestamp " + quoted(token));
        sample_.timestamp_ms = static_cast<std::int64_t>(ms);
        return;
    }
    const char* begin = token.data();
    const char* end = begin + token.size();
    if (begin != end && *begin == '+') ++begin;
    std::int64_t ms = 0;
    auto [stop, error] = std::from_chars(begin, end, ms);
    if (error != std::errc() || stop != end || begin == end)
        fail("invalid timestamp " + quoted(token));
    sample_.timestamp_ms = ms;
}

// OpenMetrics' _created samples carry a creation time, not a value; Prometheus does not store them.
bool TextParser::is_created_series(std::string_view name) const {
    constexpr std::string_view kSuffix = "_created";
    if (!name.ends_with(kSuffix) || name.substr(0, name.size() - kSuffix.size()) != family_)
        return false;
    return family_type_ == "counter" || family_type_ == "histogram" || family_type_ == "summary" ||
           family_type_ == "gaugehistogram";
}

}  // namespace stackwatch::scrape
