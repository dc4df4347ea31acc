#pragma once
// Go's text forms that promtool prints in test reports.

#include <map>
#include <string>

#include "ruler/promql/value.hpp"
#include "ruler/template/value.hpp"

namespace stackwatch::rules {

// time.Duration.String() of a millisecond duration: "0s", "1m0s", "2m59.999s", "500ms".
std::string go_duration(std::int64_t ms);
// labels.Labels.String(): {a="b", c="d"}, the metric name as an ordinary label.
std::string go_labels(const promql::Labels& labels);
std::string go_labels(const std::map<std::string, std::string>& labels);
using tmpl::go_utc_time;  // shared with templates' time.String()
// strconv.FormatFloat(v, 'E', -1, 64): "1E+00", "6.1E+01".
std::string go_float_upper_e(double v);

}  // namespace stackwatch::rules
