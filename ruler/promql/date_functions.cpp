#include <chrono>
#include <cmath>

#include "ruler/promql/function_args.hpp"
#include "ruler/promql/function_tables.hpp"

namespace stackwatch::promql {

namespace {

constexpr auto V = ValueType::vector;

using std::chrono::sys_seconds;

// The date functions read a vector of Unix seconds (UTC), or the evaluation time when called
// without arguments.
FunctionImpl date_part(double (*part)(sys_seconds)) {
    return [part](const FunctionCall& c) -> Value {
        Vector input = c.args.empty()
                           ? Vector{VectorSample{{}, c.t, static_cast<double>(c.t) / 1000}}
                           : vector_arg(c, 0);
        return map_values(input, [part](double v) -> double {
            // Beyond ±2^62 s (and for NaN) there is no calendar date to speak of.
            if (!(std::fabs(v) < 0x1p62)) return NAN;
            // Whole seconds, truncated toward zero as Go's int64 conversion does.
            return part(sys_seconds(std::chrono::seconds(static_cast<std::int64_t>(v))));
        });
    };
}

std::chrono::sys_days day_of(sys_seconds t) {
    return std::chrono::floor<std::chrono::days>(t);
}
std::chrono::year_month_day civil(sys_seconds t) {
    return std::chrono::year_month_day(day_of(t));
}

}  // namespace

std::vector<FunctionInfo> date_functions() {
    using namespace std::chrono;
    return {
        {"year", {V}, 1, V, date_part([](sys_seconds t) { return double(int(civil(t).year())); })},
        {"month", {V}, 1, V, date_part([](sys_seconds t) {
             return double(unsigned(civil(t).month()));
         })},
        {"day_of_month", {V}, 1, V, date_part([](sys_seconds t) {
             return double(unsigned(civil(t).day()));
         })},
        {"day_of_week", {V}, 1, V, date_part([](sys_seconds t) {
             return double(weekday(day_of(t)).c_encoding());
         })},
        {"day_of_year", {V}, 1, V, date_part([](sys_seconds t) {
             auto jan1 = sys_days(civil(t).year() / January / 1);
             return double((day_of(t) - jan1).count() + 1);
         })},
        {"days_in_month", {V}, 1, V, date_part([](sys_seconds t) {
             auto ymd = civil(t);
             return double(
                 unsigned(year_month_day_last(ymd.year(), month_day_last(ymd.month())).day()));
         })},
        {"hour", {V}, 1, V, date_part([](sys_seconds t) {
             return double(duration_cast<hours>(t - day_of(t)).count());
         })},
        {"minute", {V}, 1, V, date_part([](sys_seconds t) {
             return double(duration_cast<minutes>(t - floor<hours>(t)).count());
         })},
    };
}

}  // namespace stackwatch::promql
