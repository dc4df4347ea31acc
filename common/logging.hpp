#pragma once
// Structured logging on spdlog. Every line is {"timestamp","level","message","context":{...}}
// (or logfmt), so `jq 'select(.context.requestId == "...")'` works on stdout and on the files.
// Secrets are masked by redact() before anything is written.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace stackwatch::log {

enum class Format { json, logfmt };

struct Options {
    std::string level = "info";  // debug, info, warn, error
    Format format = Format::json;
    std::string dir;  // empty: stdout only
    bool to_stdout = true;
    std::size_t max_file_bytes = 10 * 1024 * 1024;
    std::size_t combined_files = 10;
    std::size_t error_files = 5;
    std::size_t access_files = 10;
    std::size_t exception_files = 5;
};

using Context = nlohmann::json;

// Replaces the active loggers. Throws std::invalid_argument on a bad level or an unusable dir.
void init(const Options& options);
Format parse_format(std::string_view text);  // throws std::invalid_argument
void flush();

void debug(std::string_view message, const Context& context = Context::object());
void info(std::string_view message, const Context& context = Context::object());
void warn(std::string_view message, const Context& context = Context::object());
void error(std::string_view message, const Context& context = Context::object());
// One line per HTTP request, to access.log (stdout when no dir is set).
void access(std::string_view message, const Context& context);
// Uncaught exceptions and fatal signals, to exceptions.log and error.log.
void exception(std::string_view message, const Context& context = Context::object());

// std::terminate and fatal signals (SIGSEGV, SIGABRT, ...) leave a line in exceptions.log.
void install_crash_handlers();

}  // namespace stackwatch::log
