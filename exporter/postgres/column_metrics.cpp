#include "exporter/postgres/column_metrics.hpp"

#include <cmath>
#include <limits>

namespace stackwatch::exporter::postgres {
namespace {

void add_metric(MetricSet& out, Kind kind, std::string_view name, std::string_view help,
                double value, const RenderedLabels& labels) {
    switch (kind) {
        case Kind::gauge:
            out.gauge(name, help, value, labels);
            break;
        case Kind::counter:
            out.counter(name, help, value, labels);
            break;
        case Kind::untyped:
            out.untyped(name, help, value, labels);
            break;
    }
}

}  // namespace

bool available(const ColumnMetric& column, int version_num) {
    return version_num >= column.min_version &&
           (column.max_version == 0 || version_num < column.max_version);
}

std::string select_list(std::span<const ColumnMetric> columns, int version_num) {
    std::string sql;
    for (const auto& column : columns) {
        if (!available(column, version_num)) continue;
        if (!sql.empty()) sql += ", ";
        if (column.expression.empty()) {
            sql += column.column;
        } else {
            sql.append(column.expression).append(" AS ").append(column.column);
        }
    }
    return sql;
}

void add_row(MetricSet& out, const Row& row, std::span<const ColumnMetric> columns, int version_num,
             const Labels& labels) {
    RenderedLabels rendered(labels);
    for (const auto& column : columns) {
        if (!available(column, version_num)) continue;
        auto field = row[column.column];
        if (field.is_null() && column.when_null == WhenNull::skip) continue;
        double value = field.is_null() && column.when_null == WhenNull::nan
                           ? std::numeric_limits<double>::quiet_NaN()
                           : as_double(field) * column.scale;
        add_metric(out, column.kind, column.name, column.help, value, rendered);
    }
}

double as_double(const Field& field, double when_null) {
    if (field.is_null()) return when_null;
    return field.as_double();
}

std::string as_label(const Field& field, std::string_view when_null) {
    return field.is_null() ? std::string(when_null) : std::string(field.c_str());
}

}  // namespace stackwatch::exporter::postgres
