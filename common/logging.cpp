#include "common/logging.hpp"

#include <execinfo.h>
#include <fcntl.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <mutex>
#include <stdexcept>

#include "common/redact.hpp"
#include "common/time_format.hpp"

namespace stackwatch::log {
namespace {

// spdlog formats in the calling thread for synchronous loggers, so the structured context can
// travel beside the message without being serialised into it.
thread_local const Context* current_context = nullptr;

const char* level_name(spdlog::level::level_enum level) {
    switch (level) {
        case spdlog::level::trace:
        case spdlog::level::debug:
            return "debug";
        case spdlog::level::info:
            return "info";
        case spdlog::level::warn:
            return "warn";
        case spdlog::level::err:
            return "error";
        case spdlog::level::critical:
            return "fatal";
        default:
            return "info";
    }
}

class StructuredFormatter : public spdlog::formatter {
  public:
    explicit StructuredFormatter(Format format) : format_(format) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string message(msg.payload.data(), msg.payload.size());
        std::string line;
        if (format_ == Format::json) {
            nlohmann::json j;
            j["timestamp"] = iso8601_utc_ms(msg.time);
            j["level"] = level_name(msg.level);
            j["message"] = std::move(message);
            j["context"] = current_context != nullptr ? *current_context : Context::object();
            line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        } else {
            line = "ts=" + iso8601_utc_ms(msg.time) + " level=" + level_name(msg.level) +
                   " msg=" + quote(message);
            if (current_context != nullptr) {
                for (const auto& [key, value] : current_context->items())
                    line += " " + key + "=" +
                            quote(value.is_string() ? value.get<std::string>() : value.dump());
            }
        }
        line += '\n';
        dest.append(line.data(), line.data() + line.size());
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<StructuredFormatter>(format_);
    }

  private:
    static std::string quote(const std::string& s) {
        bool plain = !s.empty();
        for (char c : s) plain = plain && c != ' ' && c != '"' && c != '=' && c > 31;
        return plain ? s : nlohmann::json(s).dump();
    }
    Format format_;
};

struct Loggers {
    std::shared_ptr<spdlog::logger> main;
    std::shared_ptr<spdlog::logger> access;
    std::shared_ptr<spdlog::logger> exceptions;
};

std::mutex loggers_mutex;
std::shared_ptr<Loggers> active;
char exceptions_path[4096] = {0};  // read by the fatal-signal handler, which must not allocate

std::shared_ptr<Loggers> current() {
    std::lock_guard lock(loggers_mutex);
    if (!active) {
        auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
        sink->set_formatter(std::make_unique<StructuredFormatter>(Format::json));
        auto make = [&](const char* name) {
            auto logger = std::make_shared<spdlog::logger>(name, sink);
            logger->set_level(spdlog::level::info);
            return logger;
        };
        active =
            std::make_shared<Loggers>(Loggers{make("main"), make("access"), make("exceptions")});
    }
    return active;
}

spdlog::level::level_enum parse_level(std::string_view text) {
    if (text == "debug") return spdlog::level::debug;
    if (text == "info") return spdlog::level::info;
    if (text == "warn" || text == "warning") return spdlog::level::warn;
    if (text == "error") return spdlog::level::err;
    throw std::invalid_argument("unknown log level \"" + std::string(text) +
                                "\" (expected debug, info, warn or error)");
}

Context redact_context(const Context& context) {
    if (context.is_string()) return redact(context.get<std::string>());
    if (context.is_object() || context.is_array()) {
        Context out = context;
        for (auto& value : out) value = redact_context(value);
        return out;
    }
    return context;
}

void emit(const std::shared_ptr<spdlog::logger>& logger, spdlog::level::level_enum level,
          std::string_view message, const Context& context) {
    if (!logger->should_log(level)) return;
    Context clean = redact_context(context.is_null() ? Context::object() : context);
    const Context* previous = current_context;
    current_context = &clean;
    logger->log(level, "{}", redact(message));
    current_context = previous;
}

// Civil date from a Unix time with arithmetic only, since gmtime is not async-signal-safe.
void format_utc(std::time_t t, char* buf, size_t size) {
    long days = static_cast<long>(t / 86400);
    long secs = static_cast<long>(t % 86400);
    days += 719468;
    long era = days / 146097;
    long doe = days - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    std::snprintf(buf, size, "%04ld-%02ld-%02ldT%02ld:%02ld:%02ld.000Z", year, month, day,
                  secs / 3600, secs / 60 % 60, secs % 60);
}

void fatal_signal_handler(int sig) {
    // Only async-signal-safe calls from here on: open, write, backtrace_symbols_fd.
    const char* name = sig == SIGSEGV   ? "fatal signal SIGSEGV"
                       : sig == SIGABRT ? "fatal signal SIGABRT"
                       : sig == SIGBUS  ? "fatal signal SIGBUS"
                       : sig == SIGFPE  ? "fatal signal SIGFPE"
                                        : "fatal signal SIGILL";
    char timestamp[64];
    format_utc(std::time(nullptr), timestamp, sizeof timestamp);
    char line[256];
    int n = std::snprintf(
        line, sizeof line,
        "{\"timestamp\":\"%s\",\"level\":\"fatal\",\"message\":\"%s\",\"context\":{}}\n", timestamp,
        name);
    int targets[2] = {STDERR_FILENO, -1};
    if (exceptions_path[0] != '\0')
        targets[1] = open(exceptions_path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    for (int fd : targets) {
        if (fd < 0) continue;
        if (write(fd, line, static_cast<size_t>(n)) < 0) continue;
        void* frames[64];
        backtrace_symbols_fd(frames, backtrace(frames, 64), fd);
    }
    if (targets[1] >= 0) close(targets[1]);
    std::signal(sig, SIG_DFL);
    raise(sig);
}

}  // namespace

Format parse_format(std::string_view text) {
    if (text == "json") return Format::json;
    if (text == "logfmt") return Format::logfmt;
    throw std::invalid_argument("unknown log format \"" + std::string(text) +
                                "\" (expected json or logfmt)");
}

void init(const Options& options) {
    auto level = parse_level(options.level);
    std::vector<spdlog::sink_ptr> main_sinks;
    std::vector<spdlog::sink_ptr> access_sinks;
    std::vector<spdlog::sink_ptr> exception_sinks;
    std::shared_ptr<spdlog::sinks::stdout_sink_mt> console;
    if (options.to_stdout) console = std::make_shared<spdlog::sinks::stdout_sink_mt>();
    if (console) main_sinks.push_back(console);

    std::string new_exceptions_path;
    if (!options.dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(options.dir, ec);
        if (ec)
            throw std::invalid_argument("cannot create log dir " + options.dir + ": " +
                                        ec.message());
        auto rotating = [&](const char* file, std::size_t files) {
            try {
                return std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    (std::filesystem::path(options.dir) / file).string(), options.max_file_bytes,
                    files);
            } catch (const spdlog::spdlog_ex& e) {
                throw std::invalid_argument(std::string("cannot open log file: ") + e.what());
            }
        };
        // spdlog counts rotated files beyond the live one; the runbook counts all files kept.
        auto keep = [](std::size_t files) { return files > 1 ? files - 1 : 1; };
        auto combined = rotating("combined.log", keep(options.combined_files));
        auto errors = rotating("error.log", keep(options.error_files));
        errors->set_level(spdlog::level::err);
        main_sinks.push_back(combined);
        main_sinks.push_back(errors);
        access_sinks.push_back(rotating("access.log", keep(options.access_files)));
        exception_sinks.push_back(rotating("exceptions.log", keep(options.exception_files)));
        exception_sinks.push_back(errors);
        new_exceptions_path = (std::filesystem::path(options.dir) / "exceptions.log").string();
    } else if (console) {
        access_sinks.push_back(console);
        exception_sinks.push_back(console);
    }
    if (console && !options.dir.empty()) exception_sinks.push_back(console);

    auto make = [&](const char* name, std::vector<spdlog::sink_ptr>& sinks) {
        for (auto& sink : sinks)
            sink->set_formatter(std::make_unique<StructuredFormatter>(options.format));
        auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
        logger->set_level(level);
        logger->flush_on(spdlog::level::warn);
        return logger;
    };
    auto loggers = std::make_shared<Loggers>();
    loggers->main = make("main", main_sinks);
    loggers->access = make("access", access_sinks);
    // access.log is the runbook's own file and keeps every request whatever the level; on the
    // console a request line is an info line, gone at --log.level=warn like the others.
    if (!options.dir.empty()) loggers->access->set_level(spdlog::level::info);
    loggers->exceptions = make("exceptions", exception_sinks);
    loggers->exceptions->flush_on(spdlog::level::trace);

    std::lock_guard lock(loggers_mutex);
    active = loggers;
    std::snprintf(exceptions_path, sizeof exceptions_path, "%s", new_exceptions_path.c_str());
}

void flush() {
    auto loggers = current();
    loggers->main->flush();
    loggers->access->flush();
    loggers->exceptions->flush();
}

void debug(std::string_view message, const Context& context) {
    emit(current()->main, spdlog::level::debug, message, context);
}
void info(std::string_view message, const Context& context) {
    emit(current()->main, spdlog::level::info, message, context);
}
void warn(std::string_view message, const Context& context) {
    emit(current()->main, spdlog::level::warn, message, context);
}
void error(std::string_view message, const Context& context) {
    emit(current()->main, spdlog::level::err, message, context);
}
void access(std::string_view message, const Context& context) {
    emit(current()->access, spdlog::level::info, message, context);
}
void exception(std::string_view message, const Context& context) {
    emit(current()->exceptions, spdlog::level::critical, message, context);
}

void install_crash_handlers() {
    std::set_terminate([] {
        std::string what = "terminate called without an active exception";
        if (auto current_exception = std::current_exception()) {
            try {
                std::rethrow_exception(current_exception);
            } catch (const std::exception& e) {
                what = std::string("uncaught exception: ") + e.what();
            } catch (...) {
                what = "uncaught exception of unknown type";
            }
        }
        exception(what);
        flush();
        std::signal(SIGABRT, SIG_DFL);
        std::abort();
    });
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT})
        std::signal(sig, fatal_signal_handler);
}

}  // namespace stackwatch::log
