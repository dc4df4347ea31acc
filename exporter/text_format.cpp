#include "exporter/text_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace stackwatch::exporter {
namespace {

using prometheus::MetricType;
using Family = MetricSet::Family;
using Series = MetricSet::Series;

void append_uint(std::string& out, std::uint64_t value) {
    char buffer[24];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

// Backslash, newline (as \n) and, if asked, double quote get a backslash. Most texts have none of
// them, which memchr finds out fastest; string_view::find_first_of runs memchr over the specials
// for every character, which made escaping a seventh of a scrape's instructions.
template <typename String>
void append_escaped(String& out, std::string_view text, bool escape_quote) {
    if (text.empty()) return;  // memchr must not see the null data of an empty view
    auto has = [&](char c) { return std::memchr(text.data(), c, text.size()) != nullptr; };
    if (!has('\\') && !has('\n') && !(escape_quote && has('"'))) {
        out.append(text);
        return;
    }
    std::size_t start = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c != '\\' && c != '\n' && (c != '"' || !escape_quote)) continue;
        out.append(text.data() + start, i - start);
        out += '\\';
        out += c == '\n' ? 'n' : c;
        start = i + 1;
    }
    out.append(text.data() + start, text.size() - start);
}

const char* type_name(MetricType type) {
    switch (type) {
        case MetricType::Counter:
            return "counter";
        case MetricType::Gauge:
            return "gauge";
        case MetricType::Summary:
            return "summary";
        case MetricType::Histogram:
            return "histogram";
        default:
            return "untyped";
    }
}

// Writes the series of one family, each label set followed by the part's own labels. The text
// before a bucket's or quantile's value differs only in the bound across a series, so it is put
// together once per series; the bounds repeat from series to series and are formatted once.
class SeriesWriter {
  public:
    SeriesWriter(std::string& out, const Family& family, std::string_view extra)
        : out_(out), family_(family), extra_(extra) {}

    void write(const Series& series) {
        auto labels = family_.labels(series);
        switch (family_.type) {
            case MetricType::Summary:
                points(series, labels, "", "quantile",
                       [this](double value) { append_float(out_, value); });
                sum_and_count(series, labels);
                break;
            case MetricType::Histogram:
                points(series, labels, "_bucket", "le", [this](double cumulative_count) {
                    append_uint(out_, static_cast<std::uint64_t>(cumulative_count));
                });
                sum_and_count(series, labels);
                break;
            default:
                start("", labels);
                append_float(out_, series.value);
                out_ += '\n';
        }
    }

  private:
    // name+suffix{labels,extra,bound_label="bound"} value, for each point of the series.
    template <typename WriteValue>
    void points(const Series& series, std::string_view labels, const char* suffix,
                const char* bound_label, WriteValue write_value) {
        head_.assign(family_.name).append(suffix).append(1, '{');
        if (append_labels(head_, labels)) head_ += ',';
        head_.append(bound_label).append("=\"");
        for (auto i = series.points_begin; i < series.points_end; ++i) {
            out_ += head_;
            out_ += bound_text(i - series.points_begin, family_.points[i].first);
            out_ += "\"} ";
            write_value(family_.points[i].second);
            out_ += '\n';
        }
    }

    void sum_and_count(const Series& series, std::string_view labels) {
        start("_sum", labels);
        append_float(out_, series.value);
        out_ += '\n';
        start("_count", labels);
        append_uint(out_, series.count);
        out_ += '\n';
    }

    // name+suffix{labels,extra} and the space before the sample value.
    void start(const char* suffix, std::string_view labels) {
        out_ += family_.name;
        out_ += suffix;
        if (!labels.empty() || !extra_.empty()) {
            out_ += '{';
            append_labels(out_, labels);
            out_ += '}';
        }
        out_ += ' ';
    }

    // The series' labels and the part's, comma-separated; whether there were any.
    bool append_labels(std::string& to, std::string_view labels) const {
        to += labels;
        if (extra_.empty()) return !labels.empty();
        to.append(extra_.substr(labels.empty() ? 1 : 0));  // extra_ starts with a comma
        return true;
    }

    // The k-th bound of a series is mostly the k-th bound of the series before.
    std::string_view bound_text(std::size_t k, double bound) {
        if (k >= bounds_.size())
            bounds_.resize(k + 1, {std::numeric_limits<double>::quiet_NaN(), {}});
        auto& [value, text] = bounds_[k];
        if (value != bound) {
            value = bound;
            text.clear();
            append_float(text, bound);
        }
        return text;
    }

    std::string& out_;
    const Family& family_;
    std::string_view extra_;
    std::string head_;
    std::vector<std::pair<double, std::string>> bounds_;
};

void write_samples(std::string& out, const Family& family, std::string_view extra) {
    SeriesWriter writer(out, family, extra);
    for (const auto& series : family.series) writer.write(series);
}

}  // namespace

template <typename String>
void append_label_value(String& out, std::string_view text) {
    append_escaped(out, text, true);
}
template void append_label_value(std::string&, std::string_view);
template void append_label_value(std::pmr::string&, std::string_view);

void append_help(std::string& out, std::string_view text) {
    append_escaped(out, text, false);
}

void append_float(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else if (std::trunc(value) == value && std::fabs(value) < 0x1p53) {
        // Most samples are counts and sizes. As an integer they read back exactly, and
        // std::to_chars for a double (a search for the shortest round trip) costs several times
        // as much.
        char buffer[24];
        auto end =
            std::to_chars(buffer, buffer + sizeof buffer, static_cast<std::int64_t>(value)).ptr;
        out.append(buffer, end);
    } else {
        char buffer[32];
        auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        out.append(buffer, end);
    }
}

void Exposition::add(std::shared_ptr<const MetricSet> set, const Labels& extra_labels) {
    std::string extra;
    if (!extra_labels.empty()) extra.append(",").append(RenderedLabels(extra_labels).text());
    add_part(std::move(set), extra, false);
}

void Exposition::add_part(std::shared_ptr<const MetricSet> set, const std::string& extra_labels,
                          bool attached) {
    const auto& attached_sets = set->attached();
    parts_.push_back({std::move(set), extra_labels, attached});
    for (const auto& shared : attached_sets) add_part(shared, extra_labels, true);
}

bool Exposition::shares_a_name(std::size_t part) const {
    for (const auto& family : parts_[part].set->family_list())
        for (std::size_t j = 0; j < parts_.size(); ++j)
            if (j != part && parts_[j].set->find(family)) return true;
    return false;
}

void append_family(std::string& out, const MetricSet::Family& family,
                   std::string_view extra_labels) {
    out += "# HELP ";
    out += family.name;
    out += ' ';
    append_help(out, family.help);
    out += "\n# TYPE ";
    out += family.name;
    out += ' ';
    out += type_name(family.type);
    out += '\n';
    write_samples(out, family, extra_labels);
}

std::string Exposition::serialize() const {
    std::string out;
    std::size_t bytes = 0;
    // A little over the size, so the string never grows (each growth copies all written so far).
    for (const auto& part : parts_) {
        for (const auto& family : part.set->family_list()) {
            auto series = family.series.size();
            if (series == 0) continue;
            bool has_sum =
                family.type == MetricType::Histogram || family.type == MetricType::Summary;
            auto lines = series + family.points.size() + (has_sum ? 2 * series : 0);
            auto line = family.name.size() + family.label_text.size() / series +
                        part.extra_labels.size() + 48;
            bytes += lines * line + family.help.size() + 2 * family.name.size() + 32;
        }
    }
    out.reserve(bytes + 4096);
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        // A cached collector's set (the ~300 pg_settings_* families) is written once, unless
        // another set has one of its families and they must be written together.
        if (parts_[i].attached && !shares_a_name(i)) {
            out += parts_[i].set->text(parts_[i].extra_labels);
            continue;
        }
        for (const auto& family : parts_[i].set->family_list()) {
            bool written_before = false;
            for (std::size_t j = 0; j < i && !written_before; ++j)
                written_before = parts_[j].set->find(family) != nullptr;
            if (written_before) continue;
            append_family(out, family, parts_[i].extra_labels);
            // A family of the same name but another type elsewhere would make the exposition
            // unparsable; the first one seen wins.
            for (std::size_t j = i + 1; j < parts_.size(); ++j)
                if (const auto* same = parts_[j].set->find(family);
                    same && same->type == family.type)
                    write_samples(out, *same, parts_[j].extra_labels);
        }
    }
    return out;
}

}  // namespace stackwatch::exporter
