#include "exporter/text_format.hpp"

#include <charconv>
#include <cmath>

namespace stackwatch::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

void append_uint(std::string& out, std::uint64_t value) {
    char buffer[24];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

void append_escaped(std::string& out, const std::string& text, bool quote_escape) {
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '"':
                if (quote_escape) {
                    out += "\\\"";
                    break;
                }
                [[fallthrough]];
            default:
                out += c;
        }
    }
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

class SeriesWriter {
  public:
    SeriesWriter(std::string& out, const std::string& family, const Labels& extra)
        : out_(out), family_(family), extra_(extra) {}

    // One line: family+suffix{metric labels, extra labels, last label} value
    void line(const ClientMetric& metric, const char* suffix, double value,
              const char* last_label = nullptr, double last_value = 0) {
        start(metric, suffix, last_label, last_value);
        append_float(out_, value);
        out_ += '\n';
    }
    void line(const ClientMetric& metric, const char* suffix, std::uint64_t value,
              const char* last_label = nullptr, double last_value = 0) {
        start(metric, suffix, last_label, last_value);
        append_uint(out_, value);
        out_ += '\n';
    }

  private:
    void start(const ClientMetric& metric, const char* suffix, const char* last_label,
               double last_value) {
        out_ += family_;
        out_ += suffix;
        bool any = !metric.label.empty() || !extra_.empty() || last_label;
        if (any) {
            char separator = '{';
            for (const auto& label : metric.label) pair(separator, label.name, label.value);
            for (const auto& [name, value] : extra_) pair(separator, name, value);
            if (last_label) {
                out_ += separator;
                out_ += last_label;
                out_ += "=\"";
                append_float(out_, last_value);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
    }
    void pair(char& separator, const std::string& name, const std::string& value) {
        out_ += separator;
        separator = ',';
        out_ += name;
        out_ += "=\"";
        append_escaped(out_, value, true);
        out_ += '"';
    }

    std::string& out_;
    const std::string& family_;
    const Labels& extra_;
};

void write_samples(std::string& out, const MetricFamily& family, const Labels& extra) {
    SeriesWriter writer(out, family.name, extra);
    for (const auto& metric : family.metric) {
        switch (family.type) {
            case MetricType::Counter:
                writer.line(metric, "", metric.counter.value);
                break;
            case MetricType::Gauge:
                writer.line(metric, "", metric.gauge.value);
                break;
            case MetricType::Summary:
                for (const auto& q : metric.summary.quantile)
                    writer.line(metric, "", q.value, "quantile", q.quantile);
                writer.line(metric, "_sum", metric.summary.sample_sum);
                writer.line(metric, "_count", metric.summary.sample_count);
                break;
            case MetricType::Histogram:
                for (const auto& bucket : metric.histogram.bucket)
                    writer.line(metric, "_bucket", bucket.cumulative_count, "le",
                                bucket.upper_bound);
                writer.line(metric, "_sum", metric.histogram.sample_sum);
                writer.line(metric, "_count", metric.histogram.sample_count);
                break;
            default:
                writer.line(metric, "", metric.untyped.value);
                break;
        }
    }
}

}  // namespace

void append_float(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
    } else if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buffer[32];
        auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
        out.append(buffer, end);
    }
}

void Exposition::add(std::shared_ptr<const MetricSet> set, Labels extra_labels) {
    parts_.push_back({std::move(set), std::move(extra_labels)});
}

std::string Exposition::serialize() const {
    std::string out;
    std::size_t series = 0;
    for (const auto& part : parts_)
        for (const auto& family : part.set->families()) series += family.metric.size();
    out.reserve(series * 96 + 4096);
    for (std::size_t i = 0; i < parts_.size(); ++i) {
        for (const auto& family : parts_[i].set->families()) {
            bool written_before = false;
            for (std::size_t j = 0; j < i && !written_before; ++j)
                written_before = parts_[j].set->find(family.name) != nullptr;
            if (written_before) continue;
            out += "# HELP ";
            out += family.name;
            out += ' ';
            append_escaped(out, family.help, false);
            out += "\n# TYPE ";
            out += family.name;
            out += ' ';
            out += type_name(family.type);
            out += '\n';
            write_samples(out, family, parts_[i].extra_labels);
            // A family of the same name but another type elsewhere would make the exposition
            // unparsable; the first one seen wins.
            for (std::size_t j = i + 1; j < parts_.size(); ++j)
                if (const auto* same = parts_[j].set->find(family.name);
                    same && same->type == family.type)
                    write_samples(out, *same, parts_[j].extra_labels);
        }
    }
    return out;
}

}  // namespace stackwatch::exporter
