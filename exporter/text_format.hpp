#pragma once
// The Prometheus text format 0.0.4, written straight into one string. prometheus-cpp's
// TextSerializer goes through an ostream per number and label; on a scrape of ~1,500 samples that
// was a fifth of the exporter's CPU, so the exposition is written here with std::to_chars.

#include <memory>
#include <memory_resource>
#include <string>
#include <vector>

#include "exporter/metric_set.hpp"

namespace stackwatch::exporter {

// Metric sets answered together: each target's shared, immutable result plus the exporter's own.
// Families that share a name across sets are written under one HELP and TYPE; a set may add one
// label to each of its series (target="name" when several targets share a kind).
class Exposition {
  public:
    void add(std::shared_ptr<const MetricSet> set, const Labels& extra_labels = {});
    std::string serialize() const;

  private:
    struct Part {
        std::shared_ptr<const MetricSet> set;
        std::string extra_labels;  // rendered, each with a leading comma: ,target="a"
        bool attached;             // shared unchanged between scrapes: its text is kept
    };
    void add_part(std::shared_ptr<const MetricSet> set, const std::string& extra_labels,
                  bool attached);
    bool shares_a_name(std::size_t part) const;
    std::vector<Part> parts_;
};

// One family's HELP, TYPE and samples, each series with the rendered extra labels.
void append_family(std::string& out, const MetricSet::Family& family,
                   std::string_view extra_labels);

// Text escaped as the format wants it: a label value escapes backslash, double quote and newline,
// a HELP text only backslash and newline.
// For std::string and std::pmr::string (a metric set's label text).
template <typename String>
void append_label_value(String& out, std::string_view text);
void append_help(std::string& out, std::string_view text);

// A sample value as the text format spells it: an integral value as an integer, any other the
// shortest text that reads back as the same double, or +Inf, -Inf, NaN.
void append_float(std::string& out, double value);

}  // namespace stackwatch::exporter
