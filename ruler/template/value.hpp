#pragma once
// The values a template computes with, and how Go's fmt prints them: Prometheus expands
// templates with Go's text/template, so $value, maps and printf output must look exactly alike.

#include <cstdint>
#include <functional>
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

// A method of a named Go type, which a template calls as a field: `.Alerts.Firing`,
// `.CommonLabels.Remove .GroupLabels.Names`. The executor checks the arguments against
// `parameters` (Go type names) before `call` sees them, as reflect does.
struct Method {
    std::vector<std::string> parameters;
    std::function<Value(const Value& receiver, const std::vector<Value>& args)> call;
};
using MethodTable = std::map<std::string, Method>;

// A Go struct: fields in declaration order, an unknown field is an error (unlike a map key).
struct Struct {
    std::string type_name;  // for error messages, e.g. "struct { Labels map[string]string; ... }"
    std::vector<std::pair<std::string, Value>> fields;
};

// A Go slice: "[]string", or a named slice type with methods such as Alertmanager's
// "template.Alerts".
struct List {
    std::string type_name;
    std::vector<Value> items;
    const MethodTable* methods = nullptr;  // static tables
};

// A named map[string]string type with methods, such as Alertmanager's "template.KV".
struct NamedMap {
    std::string type_name;
    StringMap entries;
    const MethodTable* methods = nullptr;  // static tables
};

// A time.Time, always in UTC: what Alertmanager's templates see as StartsAt and EndsAt.
struct Time {
    // Go's zero time, January 1 of year 1, which a firing alert's EndsAt is.
    static constexpr std::int64_t kZeroUnixSeconds = -62135596800;
    std::int64_t unix_seconds = kZeroUnixSeconds;
    std::int32_t nanos = 0;  // 0..999999999

    bool operator==(const Time&) const = default;
};

// html/template's HTML (what safeHtml returns): text that html/template does not escape.
struct Html {
    std::string text;
};

// nil, bool, int (untyped integer constants), float64, string, map[string]string, a query
// result, one sample, a struct, a slice, a named map, a time or HTML.
struct Value {
    std::variant<std::monostate, bool, std::int64_t, double, std::string, StringMap, QueryResult,
                 QuerySample, std::shared_ptr<const Struct>, std::shared_ptr<const List>,
                 std::shared_ptr<const NamedMap>, Time, Html>
        v;

    bool is_nil() const { return std::holds_alternative<std::monostate>(v); }
    template <typename T>
    const T* get() const {
        return std::get_if<T>(&v);
    }
};

// []string, as functions and methods return it.
Value string_list(const std::vector<std::string>& items);
// The entries of a map[string]string or of a named one; nullptr for other values.
const StringMap* string_map(const Value& value);
// The items of a slice; nullptr for other values.
const std::vector<Value>* list_items(const Value& value);
// The methods a value has: a named slice's or map's, or time.Time's; nullptr when none.
const MethodTable* methods_of(const Value& value);

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
