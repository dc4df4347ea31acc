#pragma once
// The values a template computes with, and how Go's fmt prints them: Prometheus expands
// templates with Go's text/template, so $value, maps and printf output must look exactly alike.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "ruler/promql/value.hpp"

namespace stackwatch::tmpl {

using StringMap = std::map<std::string, std::string>;

// One element of a `query` result, as templates see it.
struct QuerySample {
    StringMap labels;
    double value = 0;
};
using QueryResult = std::vector<QuerySample>;

struct Value;
// A Go struct: fields in declaration order, an unknown field is an error (unlike a map key).
struct Struct {
    std::string type_name;  // for error messages, e.g. "struct { Labels map[string]string; ... }"
    std::vector<std::pair<std::string, Value>> fields;
};

// nil, bool, int (untyped integer constants), float64, string, map[string]string, a query
// result, one sample, or a struct.
struct Value {
    std::variant<std::monostate, bool, std::int64_t, double, std::string, StringMap, QueryResult,
                 QuerySample, std::shared_ptr<const Struct>>
        v;

    bool is_nil() const { return std::holds_alternative<std::monostate>(v); }
    template <typename T>
    const T* get() const {
        return std::get_if<T>(&v);
    }
};

// Go's reflect type name: "float64", "string", "map[string]string", ...
std::string type_name(const Value& value);
// Go's "truth": false, 0, "", empty collections and nil are false.
bool is_true(const Value& value);
// How an action prints the value ("<no value>" for nil).
std::string to_display(const Value& value);
// fmt.Sprint of the value ("<nil>" for nil), as print and printf show their arguments.
std::string to_fmt(const Value& value);

// fmt.Sprint of a float64: shortest round-trip digits, exponent form when the decimal exponent
// is below -4 or at least 6 ("1e+06", "123456", "1.234567e+06").
std::string format_float_shortest(double v);
// fmt.Sprintf("%.<precision>g", v) with Go's spelling of NaN and infinities.
std::string format_float_g(double v, int precision);
// strconv.Quote / %q: double-quoted with Go escapes.
using promql::go_quote;  // strconv.Quote, shared with PromQL's printing
// A UTC time as Go formats one with millisecond precision: the date and clock written by the
// strftime `layout`, then ".5" or ".123" when there are milliseconds (trailing zeros dropped).
std::string go_utc_time(std::int64_t millis, const char* layout);
// Go's fmt.Sprintf for the verbs rule templates use: %s %v %d %f %e %g %q %x %t %%.
std::string go_sprintf(const std::string& format, const std::vector<Value>& args);

}  // namespace stackwatch::tmpl
