#pragma once
// What one scrape produces, built by collectors and written by exporter/text_format. A name is
// one family with one HELP and TYPE; adding the same name with another type is a programming
// error and throws.
//
// Series are stored compactly because a scrape makes ~1,500 of them: each family keeps its
// series' labels already escaped as the text format writes them, back to back in one string,
// and histogram buckets / summary quantiles in one vector. A set's strings and vectors come from
// a monotonic arena (shared with the parts it is built from, see sibling()): a set is built once,
// read, and freed whole, and malloc and free for its ~3,000 allocations were a quarter of a
// scrape. prometheus-cpp's model of the same data is available for inspection through
// families().

#include <prometheus/metric_family.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stackwatch::exporter {

using Labels = std::vector<std::pair<std::string, std::string>>;
// Labels written in place, {{"datname", name}}, copied straight into the set's label text.
using LabelList = std::initializer_list<std::pair<std::string_view, std::string_view>>;

// Labels escaped once for several samples, e.g. one row's labels on each of its columns.
class RenderedLabels {
  public:
    explicit RenderedLabels(const Labels& labels);
    std::string_view text() const { return text_; }

  private:
    std::string text_;
};

class MetricSet {
  public:
    struct Bucket {
        double upper_bound;
        std::uint64_t cumulative_count;
    };

    struct Series {
        std::uint32_t labels_begin = 0, labels_end = 0;  // in Family::label_text
        std::uint32_t points_begin = 0, points_end = 0;  // in Family::points
        double value = 0;         // the sample; a histogram's or summary's sum
        std::uint64_t count = 0;  // a histogram's or summary's count
    };

    struct Family {
        std::pmr::string name;
        std::pmr::string help;
        prometheus::MetricType type;
        // Every series' labels as the text format writes them inside the braces: a="x",b="y".
        std::pmr::string label_text;
        // Histogram buckets (upper bound, cumulative count, +Inf last) or summary quantiles
        // (quantile, value).
        std::pmr::vector<std::pair<double, double>> points;
        std::pmr::vector<Series> series;
        std::size_t name_hash = 0;  // lets other sets look the name up without hashing it again

        std::string_view labels(const Series& s) const {
            return std::string_view(label_text)
                .substr(s.labels_begin, s.labels_end - s.labels_begin);
        }
    };

    MetricSet() = default;
    MetricSet(const MetricSet& other);
    MetricSet& operator=(const MetricSet& other);
    MetricSet(MetricSet&& other) noexcept;
    MetricSet& operator=(MetricSet&& other) noexcept;

    // An empty set that allocates from this one's arena, for a part built on the same thread and
    // merged into this set, so that merging moves its families instead of copying them.
    MetricSet sibling();

    // Labels as a braced list, {{"datname", name}}, as a Labels vector, or rendered once for
    // several samples.
    template <typename LabelsLike = LabelList>
    void gauge(std::string_view name, std::string_view help, double value,
               const LabelsLike& labels = {}) {
        add(name, help, prometheus::MetricType::Gauge, labels).value = value;
    }
    template <typename LabelsLike = LabelList>
    void counter(std::string_view name, std::string_view help, double value,
                 const LabelsLike& labels = {}) {
        add(name, help, prometheus::MetricType::Counter, labels).value = value;
    }
    template <typename LabelsLike = LabelList>
    void untyped(std::string_view name, std::string_view help, double value,
                 const LabelsLike& labels = {}) {
        add(name, help, prometheus::MetricType::Untyped, labels).value = value;
    }
    // Buckets in ascending order without +Inf; the +Inf bucket is added from count.
    void histogram(std::string_view name, std::string_view help, const std::vector<Bucket>& buckets,
                   double sum, std::uint64_t count, const Labels& labels = {});
    void summary(std::string_view name, std::string_view help,
                 const std::vector<std::pair<double, double>>& quantiles, double sum,
                 std::uint64_t count, const Labels& labels = {});

    // Moves every family of `other` in, merging families that share a name.
    void merge(MetricSet&& other);
    // prometheus-cpp's Registry::Collect() output (the exporter's own histograms).
    void merge(const std::vector<prometheus::MetricFamily>& families);
    // Moves in the families of `other` whose names this set does not have yet; returns the names
    // left out.
    std::vector<std::string> merge_new(MetricSet&& other);
    // Includes a set that later scrapes share (a cached collector's result) without copying it;
    // it is written out as part of this one.
    void attach(std::shared_ptr<const MetricSet> set);
    const std::vector<std::shared_ptr<const MetricSet>>& attached() const { return attached_; }

    // This set's own families; attached sets keep theirs.
    const std::vector<Family>& family_list() const { return families_; }
    const Family* find(std::string_view name) const;
    // This set's family of the same name as `family` (of another set).
    const Family* find(const Family& family) const;
    // Whether this set or an attached one has a family of that name.
    bool contains(std::string_view name) const;
    std::string serialize() const;  // Prometheus text format 0.0.4
    // This set's own families (not the attached ones) in the text format, each series with the
    // rendered extra labels (",target=\"a\""). Kept once written: for a set shared unchanged
    // between scrapes.
    const std::string& text(const std::string& extra_labels) const;

    // The same families, attached ones included, in prometheus-cpp's model, for inspection
    // (tests, lookups by label). Built on first use after a change; not for the scrape path.
    const std::vector<prometheus::MetricFamily>& families() const;

  private:
    template <typename LabelRange>
    Series& add(std::string_view name, std::string_view help, prometheus::MetricType type,
                const LabelRange& labels);
    Family& family(std::string_view name, std::string_view help, prometheus::MetricType type);
    void append(Family&& from, Family& to);
    void changed();

    // families_ by name: open addressing over positions, keyed by the families' stored hashes.
    // A scrape builds and frees sets of ~500 families and looks each name up in the other sets;
    // a node-based map allocated a node and a key per family and hashed every lookup.
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::size_t position(std::string_view name, std::size_t hash) const;
    bool contains(std::string_view name, std::size_t hash) const;
    void index_last();  // indexes families_.back(), growing the index when it is half full
    void place(std::size_t at);

    std::pmr::memory_resource* memory();
    // Keeps the memory of a set whose families move in.
    void adopt_memory_of(MetricSet& other);

    // Where this set allocates; created on first use, or shared with the set it is a sibling of.
    std::shared_ptr<std::pmr::monotonic_buffer_resource> arena_;
    // Arenas of merged sets whose families moved in.
    std::vector<std::shared_ptr<std::pmr::monotonic_buffer_resource>> adopted_;
    std::vector<Family> families_;
    std::vector<std::uint32_t> slots_;  // a position + 1, 0 for none; a power of two in size
    std::size_t last_ = 0;              // the family added to last
    std::vector<std::shared_ptr<const MetricSet>> attached_;

    mutable std::mutex text_mutex_;
    mutable std::map<std::string, std::string, std::less<>> text_;  // by extra labels
    mutable std::mutex decoded_mutex_;
    mutable std::shared_ptr<const std::vector<prometheus::MetricFamily>> decoded_;
};

}  // namespace stackwatch::exporter
