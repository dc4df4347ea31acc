#pragma once
// The functions a template can call: Go's builtins and Prometheus's own (humanize*, reReplaceAll,
// query, ...), with Go-identical results and error messages.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruler/template/value.hpp"

namespace stackwatch::tmpl {

// A function failed; the executor reports it as "error calling NAME: <what()>".
class CallError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};
// The arguments do not fit the function's signature; reported without the "error calling" part,
// at the offending argument when there is one.
class ArgumentError : public std::runtime_error {
  public:
    explicit ArgumentError(const std::string& message) : std::runtime_error(message) {}
    ArgumentError(std::size_t index, std::string expected, const std::string& got)
        : std::runtime_error("wrong type for value; expected " + expected + "; got " + got),
          index_(static_cast<int>(index)),
          expected_(std::move(expected)) {}

    int index() const { return index_; }  // -1: the argument count is wrong
    const std::string& expected() const { return expected_; }

  private:
    int index_ = -1;
    std::string expected_;
};

using QueryFunc = std::function<QueryResult(const std::string& expr)>;  // throws on failure

struct FunctionContext {
    QueryFunc query;           // may be empty: `query` then fails
    std::string external_url;  // for externalURL and pathPrefix
    // What one execution may write: a {{range}} over a large query, or a template that calls
    // itself, fails with a clear error instead of taking the memory.
    std::size_t max_output_bytes = 4 << 20;
};

using Function = std::function<Value(const std::vector<Value>& args, const FunctionContext& ctx)>;
// Functions by name. `and` and `or` are never in one: the executor evaluates them lazily, and
// every template may call them.
using FunctionMap = std::map<std::string, Function>;

// Argument checks for functions, with Go's messages: the count, a string, a []string.
void want_args(const std::string& name, const std::vector<Value>& args, std::size_t n);
const std::string& want_string(const std::vector<Value>& args, std::size_t i);
std::vector<std::string> want_string_list(const std::vector<Value>& args, std::size_t i);

// Go's builtins (eq, len, printf, urlquery, ...), for sets of functions built on them.
const FunctionMap& builtin_functions();
// What a Prometheus rule template may call: Go's builtins and Prometheus's functions.
const FunctionMap& prometheus_functions();

// The Go formatting behind humanize & co., exposed for tests of exact output.
std::string humanize(double v);
std::string humanize_1024(double v);
std::string humanize_duration(double v);
std::string humanize_percentage(double v);
std::string humanize_timestamp(double v);

}  // namespace stackwatch::tmpl
