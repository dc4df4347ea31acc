#pragma once
// The functions a rule template can call: Go's builtins that rule authors use and Prometheus's
// own (humanize*, reReplaceAll, query, ...), with Go-identical results and error messages.

#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ruler/rules/template_value.hpp"

namespace stackwatch::rules::tmpl {

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
};

using Function = std::function<Value(const std::vector<Value>& args, const FunctionContext& ctx)>;

// Every function by name. `and` and `or` are absent: the executor evaluates them lazily.
const std::map<std::string, Function>& template_functions();
// All names a template may call, including `and` and `or`.
const std::vector<std::string>& template_function_names();

// The Go formatting behind humanize & co., exposed for tests of exact output.
std::string humanize(double v);
std::string humanize_1024(double v);
std::string humanize_duration(double v);
std::string humanize_percentage(double v);
std::string humanize_timestamp(double v);

}  // namespace stackwatch::rules::tmpl
