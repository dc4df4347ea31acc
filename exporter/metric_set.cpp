#include "exporter/metric_set.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

#include "exporter/text_format.hpp"

namespace stackwatch::exporter {
namespace {

using prometheus::MetricType;

template <typename String, typename LabelRange>
void append_labels(String& out, const LabelRange& labels) {
    bool first = true;
    for (const auto& [name, value] : labels) {
        if (!first) out += ',';
        first = false;
        out += name;
        out += "=\"";
        append_label_value(out, value);
        out += '"';
    }
}

template <typename String>
void append_labels(String& out, const RenderedLabels& labels) {
    out += labels.text();
}

std::uint32_t offset(std::size_t size) {
    if (size > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("a metric family grew past 4 GiB");
    return static_cast<std::uint32_t>(size);
}

// Reads back what append_labels wrote.
std::vector<prometheus::ClientMetric::Label> decode_labels(std::string_view text) {
    std::vector<prometheus::ClientMetric::Label> labels;
    std::size_t i = 0;
    while (i < text.size()) {
        auto equals = text.find('=', i);
        prometheus::ClientMetric::Label label{std::string(text.substr(i, equals - i)), {}};
        for (i = equals + 2; i < text.size() && text[i] != '"'; ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) {
                ++i;
                label.value += text[i] == 'n' ? '\n' : text[i];
            } else {
                label.value += text[i];
            }
        }
        labels.push_back(std::move(label));
        i += 2;  // the closing quote and the comma
    }
    return labels;
}

}  // namespace

RenderedLabels::RenderedLabels(const Labels& labels) {
    append_labels(text_, labels);
}

MetricSet::MetricSet(const MetricSet& other)
    : families_(other.families_),
      slots_(other.slots_),
      last_(other.last_),
      attached_(other.attached_) {}

MetricSet& MetricSet::operator=(const MetricSet& other) {
    if (this != &other) {
        families_ = other.families_;
        slots_ = other.slots_;
        last_ = other.last_;
        attached_ = other.attached_;
        changed();
    }
    return *this;
}

MetricSet::MetricSet(MetricSet&& other) noexcept
    : arena_(std::move(other.arena_)),
      adopted_(std::move(other.adopted_)),
      families_(std::move(other.families_)),
      slots_(std::move(other.slots_)),
      last_(other.last_),
      attached_(std::move(other.attached_)) {}

MetricSet& MetricSet::operator=(MetricSet&& other) noexcept {
    // The families being replaced may live in the arenas being replaced: they go first.
    families_ = std::move(other.families_);
    arena_ = std::move(other.arena_);
    adopted_ = std::move(other.adopted_);
    slots_ = std::move(other.slots_);
    last_ = other.last_;
    attached_ = std::move(other.attached_);
    changed();
    return *this;
}

void MetricSet::changed() {
    // Runs on every sample added, so it takes no lock: a set is changed only before it is shared
    // (the caches are filled by readers after that).
    decoded_.reset();
    text_.clear();
}

const std::string& MetricSet::text(const std::string& extra_labels) const {
    std::lock_guard lock(text_mutex_);
    auto [it, added] = text_.try_emplace(extra_labels);
    if (added)
        for (const auto& family : families_) append_family(it->second, family, extra_labels);
    return it->second;
}

MetricSet MetricSet::sibling() {
    memory();
    MetricSet set;
    set.arena_ = arena_;
    return set;
}

std::pmr::memory_resource* MetricSet::memory() {
    // A PostgreSQL target's set takes about 100 KiB; the arena grows from here as needed.
    if (!arena_) arena_ = std::make_shared<std::pmr::monotonic_buffer_resource>(16 * 1024);
    return arena_.get();
}

void MetricSet::attach(std::shared_ptr<const MetricSet> set) {
    changed();
    attached_.push_back(std::move(set));
}

bool MetricSet::contains(std::string_view name) const {
    return contains(name, std::hash<std::string_view>{}(name));
}

bool MetricSet::contains(std::string_view name, std::size_t hash) const {
    if (position(name, hash) != npos) return true;
    for (const auto& set : attached_)
        if (set->contains(name, hash)) return true;
    return false;
}

std::size_t MetricSet::position(std::string_view name, std::size_t hash) const {
    if (slots_.empty()) return npos;
    auto mask = slots_.size() - 1;
    for (auto i = hash & mask;; i = (i + 1) & mask) {
        if (slots_[i] == 0) return npos;
        const auto& family = families_[slots_[i] - 1];
        if (family.name_hash == hash && family.name == name) return slots_[i] - 1;
    }
}

void MetricSet::index_last() {
    // At most half full, so a probe meets an empty slot soon.
    if (families_.size() * 2 <= slots_.size()) return place(families_.size() - 1);
    slots_.assign(std::max<std::size_t>(64, std::bit_ceil(families_.size() * 2)), 0);
    for (std::size_t at = 0; at < families_.size(); ++at) place(at);
}

void MetricSet::place(std::size_t at) {
    auto mask = slots_.size() - 1;
    auto i = families_[at].name_hash & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = offset(at + 1);
}

MetricSet::Family& MetricSet::family(std::string_view name, std::string_view help,
                                     MetricType type) {
    // Collectors add a family's series in a row, or add one series to each of several families
    // per row of a query, in the same order every row: the family wanted is mostly the last
    // one or the one created after it.
    std::size_t at = last_;
    auto is_at = [&](std::size_t i) { return i < families_.size() && families_[i].name == name; };
    if (!is_at(at) && !is_at(++at)) {
        auto hash = std::hash<std::string_view>{}(name);
        at = position(name, hash);
        if (at == npos) {
            at = families_.size();
            auto* memory = this->memory();
            families_.push_back({std::pmr::string(name, memory), std::pmr::string(help, memory),
                                 type, std::pmr::string(memory),
                                 std::pmr::vector<std::pair<double, double>>(memory),
                                 std::pmr::vector<Series>(memory), hash});
            index_last();
        }
    }
    last_ = at;
    auto& family = families_[at];
    if (family.type != type)
        throw std::logic_error("metric " + std::string(family.name) +
                               " added with two different types");
    return family;
}

template <typename LabelRange>
MetricSet::Series& MetricSet::add(std::string_view name, std::string_view help, MetricType type,
                                  const LabelRange& labels) {
    changed();
    auto& f = family(name, help, type);
    auto& series = f.series.emplace_back();
    series.labels_begin = offset(f.label_text.size());
    append_labels(f.label_text, labels);
    series.labels_end = offset(f.label_text.size());
    series.points_begin = series.points_end = offset(f.points.size());
    return series;
}

template MetricSet::Series& MetricSet::add(std::string_view, std::string_view, MetricType,
                                           const LabelList&);
template MetricSet::Series& MetricSet::add(std::string_view, std::string_view, MetricType,
                                           const Labels&);
template MetricSet::Series& MetricSet::add(std::string_view, std::string_view, MetricType,
                                           const RenderedLabels&);

void MetricSet::histogram(std::string_view name, std::string_view help,
                          const std::vector<Bucket>& buckets, double sum, std::uint64_t count,
                          const Labels& labels) {
    auto& series = add(name, help, MetricType::Histogram, labels);
    series.value = sum;
    series.count = count;
    auto& points = families_[last_].points;
    for (const auto& bucket : buckets)
        points.emplace_back(bucket.upper_bound, static_cast<double>(bucket.cumulative_count));
    points.emplace_back(std::numeric_limits<double>::infinity(), static_cast<double>(count));
    series.points_end = offset(points.size());
}

void MetricSet::summary(std::string_view name, std::string_view help,
                        const std::vector<std::pair<double, double>>& quantiles, double sum,
                        std::uint64_t count, const Labels& labels) {
    auto& series = add(name, help, MetricType::Summary, labels);
    series.value = sum;
    series.count = count;
    auto& points = families_[last_].points;
    points.insert(points.end(), quantiles.begin(), quantiles.end());
    series.points_end = offset(points.size());
}

const MetricSet::Family* MetricSet::find(std::string_view name) const {
    auto at = position(name, std::hash<std::string_view>{}(name));
    return at == npos ? nullptr : &families_[at];
}

const MetricSet::Family* MetricSet::find(const Family& family) const {
    auto at = position(family.name, family.name_hash);
    return at == npos ? nullptr : &families_[at];
}

void MetricSet::append(Family&& from, Family& to) {
    if (to.type != from.type)
        throw std::logic_error("metric " + std::string(from.name) +
                               " merged with two different types");
    auto label_shift = offset(to.label_text.size());
    auto point_shift = offset(to.points.size());
    to.label_text += from.label_text;
    to.points.insert(to.points.end(), from.points.begin(), from.points.end());
    for (auto series : from.series) {
        series.labels_begin += label_shift;
        series.labels_end += label_shift;
        series.points_begin += point_shift;
        series.points_end += point_shift;
        to.series.push_back(series);
    }
}

void MetricSet::adopt_memory_of(MetricSet& other) {
    if (other.arena_ && other.arena_ != arena_) adopted_.push_back(std::move(other.arena_));
    for (auto& arena : other.adopted_) adopted_.push_back(std::move(arena));
    other.adopted_.clear();
}

void MetricSet::merge(MetricSet&& other) {
    changed();
    adopt_memory_of(other);
    if (families_.empty()) {
        families_ = std::move(other.families_);
        slots_ = std::move(other.slots_);
        last_ = 0;
    } else {
        for (auto& family : other.families_) {
            if (auto at = position(family.name, family.name_hash); at != npos) {
                append(std::move(family), families_[at]);
            } else {
                families_.push_back(std::move(family));
                index_last();
            }
        }
    }
    for (auto& set : other.attached_) attached_.push_back(std::move(set));
    other.families_.clear();
    other.slots_.clear();
    other.attached_.clear();
    other.changed();
}

std::vector<std::string> MetricSet::merge_new(MetricSet&& other) {
    changed();
    adopt_memory_of(other);
    std::vector<std::string> left_out;
    for (auto& family : other.families_) {
        if (contains(family.name, family.name_hash)) {
            left_out.emplace_back(family.name);
        } else {
            families_.push_back(std::move(family));
            index_last();
        }
    }
    for (auto& set : other.attached_) {
        bool clash = std::any_of(
            set->families_.begin(), set->families_.end(),
            [&](const Family& family) { return contains(family.name, family.name_hash); });
        if (!clash) {
            attached_.push_back(std::move(set));
            continue;
        }
        auto names = merge_new(MetricSet(*set));
        left_out.insert(left_out.end(), names.begin(), names.end());
    }
    other.families_.clear();
    other.slots_.clear();
    other.attached_.clear();
    other.changed();
    return left_out;
}

void MetricSet::merge(const std::vector<prometheus::MetricFamily>& families) {
    for (const auto& source : families) {
        for (const auto& metric : source.metric) {
            Labels labels;
            labels.reserve(metric.label.size());
            for (const auto& label : metric.label) labels.emplace_back(label.name, label.value);
            switch (source.type) {
                case MetricType::Counter:
                    counter(source.name, source.help, metric.counter.value, labels);
                    break;
                case MetricType::Gauge:
                    gauge(source.name, source.help, metric.gauge.value, labels);
                    break;
                case MetricType::Histogram: {
                    std::vector<Bucket> buckets;
                    for (const auto& bucket : metric.histogram.bucket)
                        if (bucket.upper_bound != std::numeric_limits<double>::infinity())
                            buckets.push_back({bucket.upper_bound, bucket.cumulative_count});
                    histogram(source.name, source.help, buckets, metric.histogram.sample_sum,
                              metric.histogram.sample_count, labels);
                    break;
                }
                case MetricType::Summary: {
                    std::vector<std::pair<double, double>> quantiles;
                    for (const auto& q : metric.summary.quantile)
                        quantiles.emplace_back(q.quantile, q.value);
                    summary(source.name, source.help, quantiles, metric.summary.sample_sum,
                            metric.summary.sample_count, labels);
                    break;
                }
                default:
                    untyped(source.name, source.help, metric.untyped.value, labels);
                    break;
            }
        }
        // A family without series still has its HELP and TYPE.
        if (source.metric.empty()) family(source.name, source.help, source.type);
    }
}

const std::vector<prometheus::MetricFamily>& MetricSet::families() const {
    std::lock_guard lock(decoded_mutex_);
    if (decoded_) return *decoded_;
    auto decoded = std::make_shared<std::vector<prometheus::MetricFamily>>();
    for (const auto& family : families_) {
        auto& out = decoded->emplace_back(prometheus::MetricFamily{
            std::string(family.name), std::string(family.help), family.type, {}});
        for (const auto& series : family.series) {
            auto& metric = out.metric.emplace_back();
            metric.label = decode_labels(family.labels(series));
            switch (family.type) {
                case MetricType::Counter:
                    metric.counter.value = series.value;
                    break;
                case MetricType::Gauge:
                    metric.gauge.value = series.value;
                    break;
                case MetricType::Histogram:
                    metric.histogram.sample_sum = series.value;
                    metric.histogram.sample_count = series.count;
                    for (auto i = series.points_begin; i < series.points_end; ++i)
                        metric.histogram.bucket.push_back(
                            {static_cast<std::uint64_t>(family.points[i].second),
                             family.points[i].first});
                    break;
                case MetricType::Summary:
                    metric.summary.sample_sum = series.value;
                    metric.summary.sample_count = series.count;
                    for (auto i = series.points_begin; i < series.points_end; ++i)
                        metric.summary.quantile.push_back(
                            {family.points[i].first, family.points[i].second});
                    break;
                default:
                    metric.untyped.value = series.value;
                    break;
            }
        }
    }
    for (const auto& set : attached_) {
        for (const auto& family : set->families()) {
            auto same = std::find_if(decoded->begin(), decoded->end(),
                                     [&](const auto& mine) { return mine.name == family.name; });
            if (same == decoded->end()) {
                decoded->push_back(family);
            } else {
                same->metric.insert(same->metric.end(), family.metric.begin(), family.metric.end());
            }
        }
    }
    decoded_ = std::move(decoded);
    return *decoded_;
}

std::string MetricSet::serialize() const {
    Exposition exposition;
    // Not owned: the exposition lives only for this call.
    exposition.add(std::shared_ptr<const MetricSet>(std::shared_ptr<const MetricSet>(), this));
    return exposition.serialize();
}

}  // namespace stackwatch::exporter
