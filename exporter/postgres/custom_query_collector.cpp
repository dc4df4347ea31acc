#include "exporter/postgres/custom_query_collector.hpp"

#include <cstdlib>
#include <limits>
#include <set>
#include <sstream>

#include "common/logging.hpp"

namespace stackwatch::exporter::postgres {
namespace {

constexpr Oid kBoolOid = 16;
constexpr Oid kDateOid = 1082;
constexpr Oid kTimestampOid = 1114;
constexpr Oid kTimestampTzOid = 1184;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// postgres_exporter's dbToFloat64: NULL is NaN, booleans are 0/1, times are Unix seconds, text
// must be a number.
std::optional<double> to_double(const Field& field) {
    if (field.is_null()) return kNaN;
    std::string_view text = field.c_str();
    if (field.type() == kBoolOid) return text == "t" ? 1.0 : 0.0;
    if (field.type() == kDateOid || field.type() == kTimestampOid ||
        field.type() == kTimestampTzOid)
        return parse_timestamp_seconds(text);
    char* end = nullptr;
    double value = std::strtod(field.c_str(), &end);
    if (text.empty() || *end != '\0') return std::nullopt;
    return value;
}

std::string to_label(const Field& field) {
    if (field.is_null()) return "";
    if (field.type() == kBoolOid) return std::string_view(field.c_str()) == "t" ? "true" : "false";
    return field.c_str();
}

// A PostgreSQL array literal such as {0.1,1,10}.
std::vector<double> parse_array(const Field& field) {
    std::string text = field.c_str();
    if (field.is_null() || text.size() < 2 || text.front() != '{' || text.back() != '}')
        throw std::runtime_error("not an array: " + text);
    std::vector<double> values;
    std::istringstream items(text.substr(1, text.size() - 2));
    for (std::string item; std::getline(items, item, ',');) {
        char* end = nullptr;
        values.push_back(std::strtod(item.c_str(), &end));
        if (item.empty() || *end != '\0')
            throw std::runtime_error("not a number in array: " + item);
    }
    return values;
}

class CustomQueryCollector : public Collector {
  public:
    explicit CustomQueryCollector(CustomQuery query) : query_(std::move(query)) {
        for (const auto& [column, spec] : query_.columns) {
            specs_[column] = &spec;
            if (spec.usage == ColumnUsage::histogram)
                for (const char* part : {"_bucket", "_sum", "_count"})
                    histogram_parts_.insert(column + part);
        }
    }

    std::optional<Statement> statement(Session& session) override {
        if (!runs_here(session)) return std::nullopt;
        return Statement{statement_name(), query_.sql, query_.timeout};
    }

    void collect(Session& session, Deadline deadline, MetricSet& out) override {
        if (!runs_here(session)) return;
        auto result = session.run(statement_name(), query_.sql, deadline, query_.timeout);
        for (const auto& row : result) add_row(row, out);
    }

  private:
    std::string statement_name() const { return "stackwatch_custom_" + query_.name; }
    bool runs_here(const Session& session) const {
        return query_.run_on_server.contains(session.facts().version_num);
    }

    void add_row(const Row& row, MetricSet& out) const {
        Labels labels;
        for (const auto& field : row) {
            auto spec = specs_.find(field.name());
            if (spec != specs_.end() && spec->second->usage == ColumnUsage::label)
                labels.emplace_back(field.name(), to_label(field));
        }
        for (const auto& field : row) {
            std::string column = field.name();
            std::string name = query_.name + "_" + column;
            auto spec = specs_.find(column);
            if (spec == specs_.end()) {
                if (histogram_parts_.count(column)) continue;
                // Unlisted columns become untyped metrics when they hold numbers.
                if (auto value = to_double(field))
                    out.untyped(name, "Unknown metric from " + query_.name, *value, labels);
                continue;
            }
            add_column(row, field, name, *spec->second, labels, out);
        }
    }

    void add_column(const Row& row, const Field& field, const std::string& name,
                    const ColumnSpec& spec, const Labels& labels, MetricSet& out) const {
        switch (spec.usage) {
            case ColumnUsage::discard:
            case ColumnUsage::label:
                return;
            case ColumnUsage::counter:
            case ColumnUsage::gauge: {
                auto value = to_double(field);
                if (!value) return skip(field, "is not a number");
                if (spec.usage == ColumnUsage::counter) {
                    out.counter(name, spec.description, *value, labels);
                } else {
                    out.gauge(name, spec.description, *value, labels);
                }
                return;
            }
            case ColumnUsage::mapped_metric: {
                auto value = spec.mapping.find(to_label(field));
                if (value == spec.mapping.end()) return skip(field, "has no metric_mapping entry");
                out.gauge(name, spec.description, value->second, labels);
                return;
            }
            case ColumnUsage::duration: {
                std::string text = to_label(field);
                if (text == "-1") return;  // postgres_exporter's "no value"
                auto ms = parse_go_duration_ms(text);
                if (!ms) return skip(field, "is not a duration");
                out.gauge(name + "_milliseconds", spec.description, *ms, labels);
                return;
            }
            case ColumnUsage::histogram:
                return add_histogram(row, field, name, spec, labels, out);
        }
    }

    void add_histogram(const Row& row, const Field& field, const std::string& name,
                       const ColumnSpec& spec, const Labels& labels, MetricSet& out) const {
        std::string column = field.name();
        auto bounds = parse_array(field);
        auto counts = parse_array(row[column + "_bucket"]);
        auto sum = to_double(row[column + "_sum"]);
        auto count = to_double(row[column + "_count"]);
        if (!sum || !count)
            throw std::runtime_error(column + "_sum and " + column + "_count must be numbers");
        std::vector<MetricSet::Bucket> buckets;
        for (std::size_t i = 0; i < bounds.size() && i < counts.size(); ++i)
            if (bounds[i] != std::numeric_limits<double>::infinity())
                buckets.push_back({bounds[i], static_cast<std::uint64_t>(counts[i])});
        out.histogram(name, spec.description, buckets, *sum, static_cast<std::uint64_t>(*count),
                      labels);
    }

    void skip(const Field& field, const char* why) const {
        log::debug("custom query column skipped",
                   {{"query", query_.name}, {"column", field.name()}, {"why", why}});
    }

    CustomQuery query_;
    std::map<std::string, const ColumnSpec*, std::less<>> specs_;
    std::set<std::string> histogram_parts_;
};

}  // namespace

std::unique_ptr<Collector> make_custom_query_collector(CustomQuery query) {
    auto cache = query.cache;
    std::unique_ptr<Collector> collector = std::make_unique<CustomQueryCollector>(std::move(query));
    if (cache.count() > 0)
        collector = std::make_unique<CachedCollector>(std::move(collector), cache);
    return collector;
}

}  // namespace stackwatch::exporter::postgres
