#pragma once
// Most collectors read one row per object and turn each column into one metric. They describe
// their columns in a table (SQL expression, metric name, type, HELP, the PostgreSQL versions that
// have it); the SELECT list and the metrics both come from that table, so they cannot drift apart.

#include <span>
#include <string>
#include <string_view>

#include "exporter/metric_set.hpp"
#include "exporter/postgres/result.hpp"

namespace stackwatch::exporter::postgres {

enum class Kind { gauge, counter, untyped };
enum class WhenNull { zero, nan, skip };

struct ColumnMetric {
    std::string_view column;  // result column name
    std::string_view name;    // metric name
    Kind kind;
    std::string_view help;
    std::string_view expression = {};  // SQL producing the column; empty: the column itself
    double scale = 1;                  // e.g. 0.001 for milliseconds reported as seconds
    WhenNull when_null = WhenNull::zero;
    int min_version = 0;  // server_version_num the column appeared in
    int max_version = 0;  // server_version_num it disappeared in; 0: still there
};

bool available(const ColumnMetric& column, int version_num);
// "expression AS column, ..." for the columns this server version has.
std::string select_list(std::span<const ColumnMetric> columns, int version_num);
// One metric per available column of the row.
void add_row(MetricSet& out, const Row& row, std::span<const ColumnMetric> columns, int version_num,
             const Labels& labels = {});

double as_double(const Field& field, double when_null = 0);
std::string as_label(const Field& field, std::string_view when_null = "");

}  // namespace stackwatch::exporter::postgres
