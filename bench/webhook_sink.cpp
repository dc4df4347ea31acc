// The webhook receiver of bench/notify: takes Alertmanager webhook notifications (payload
// version 4) on POST /hook, counts the alerts in each one's "alerts" array and remembers when
// each alert first arrived, by the value of one label (--label, default "id"). The benchmark
// script reads the counts and arrival times back over HTTP:
//   GET  /count                          {"notifications","alerts","firing","resolved","unique",
//                                         "duplicates","unlabelled","bad","foreign","first_ns",
//                                         "last_ns"}
//   GET  /wait?unique=N&timeout_ms=T     the same, once N distinct alerts have arrived (or after T)
//   GET  /arrivals                       "value epoch_ns" lines, one per distinct alert
//   POST /reset?prefix=P                 forgets everything (between the benchmark's phases); from
//                                        then on alerts whose label does not start with P only
//                                        count as "foreign" (late copies from an earlier phase)
// Times are CLOCK_REALTIME nanoseconds taken when the handler starts, so the script and the
// poster, on the same machine, can subtract their own clock readings from them.
//   stackwatch_bench_webhook_sink --listen=127.0.0.1:PORT [--label=id] [--threads=4]
// On SIGTERM or SIGINT it prints the final /count line to stdout and exits.

#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/epoch_ns.hpp"
#include "common/http_server.hpp"
#include "common/logging.hpp"

namespace {

using nlohmann::json;
using namespace stackwatch;

class Sink {
  public:
    explicit Sink(std::string label) : label_(std::move(label)) {}

    http::Response take(const http::Request& request) {
        const std::int64_t at = now_ns();
        json body = json::parse(request.body, nullptr, false);
        std::lock_guard lock(mutex_);
        ++notifications_;
        if (body.is_discarded() || !body.is_object() || !body.contains("alerts") ||
            !body["alerts"].is_array()) {
            ++bad_;
            return http::Response::text("bad payload\n", 400);
        }
        for (const auto& alert : body["alerts"]) {
            ++alerts_;
            if (alert.value("status", "") == "resolved") {
                ++resolved_;
                continue;
            }
            ++firing_;
            const json* labels = alert.contains("labels") ? &alert["labels"] : nullptr;
            if (labels == nullptr || !labels->is_object() || !labels->contains(label_) ||
                !(*labels)[label_].is_string()) {
                ++unlabelled_;
                continue;
            }
            std::string key = (*labels)[label_].get<std::string>();
            if (!key.starts_with(prefix_)) {
                ++foreign_;
                continue;
            }
            auto [it, fresh] = arrivals_.try_emplace(std::move(key), at);
            if (!fresh) {
                ++duplicates_;
                continue;
            }
            order_.push_back(&*it);
            if (first_ns_ == 0) first_ns_ = at;
            last_ns_ = at;
        }
        changed_.notify_all();
        return http::Response::text("", 200);
    }

    json counts() const {
        std::lock_guard lock(mutex_);
        return counts_locked();
    }

    json wait(std::size_t unique, std::chrono::milliseconds timeout) const {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, timeout, [&] { return arrivals_.size() >= unique; });
        return counts_locked();
    }

    std::string arrivals() const {
        std::lock_guard lock(mutex_);
        std::string out;
        out.reserve(order_.size() * 32);
        for (const auto* entry : order_) {
            out += entry->first;
            out += ' ';
            out += std::to_string(entry->second);
            out += '\n';
        }
        return out;
    }

    void reset(std::string prefix) {
        std::lock_guard lock(mutex_);
        prefix_ = std::move(prefix);
        arrivals_.clear();
        order_.clear();
        notifications_ = alerts_ = firing_ = resolved_ = duplicates_ = unlabelled_ = bad_ =
            foreign_ = 0;
        first_ns_ = last_ns_ = 0;
        changed_.notify_all();
    }

  private:
    json counts_locked() const {
        return {{"notifications", notifications_},
                {"alerts", alerts_},
                {"firing", firing_},
                {"resolved", resolved_},
                {"unique", arrivals_.size()},
                {"duplicates", duplicates_},
                {"unlabelled", unlabelled_},
                {"bad", bad_},
                {"foreign", foreign_},
                {"first_ns", first_ns_},
                {"last_ns", last_ns_}};
    }

    const std::string label_;
    std::string prefix_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::unordered_map<std::string, std::int64_t> arrivals_;
    std::vector<const std::pair<const std::string, std::int64_t>*> order_;  // arrival order
    std::uint64_t notifications_ = 0, alerts_ = 0, firing_ = 0, resolved_ = 0, duplicates_ = 0,
                  unlabelled_ = 0, bad_ = 0, foreign_ = 0;
    std::int64_t first_ns_ = 0, last_ns_ = 0;
};

std::string flag_value(int argc, char** argv, const std::string& name, std::string fallback) {
    const std::string prefix = "--" + name + "=";
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg.starts_with(prefix)) return arg.substr(prefix.size());
    }
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string listen = flag_value(argc, argv, "listen", "");
    if (listen.empty() || !listen.starts_with("127.0.0.1:")) {
        std::cerr << "usage: stackwatch_bench_webhook_sink --listen=127.0.0.1:PORT [--label=id] "
                     "[--threads=4]\n";
        return 2;
    }
    // Block the stop signals before the server's threads start, so only sigwait sees them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    log::init({.level = "error", .to_stdout = false});  // no access line per notification
    Sink sink(flag_value(argc, argv, "label", "id"));
    // Alertmanager sends each aggregation group's notification from its own goroutine, with
    // every alert its own group thousands at once, and keeps up to 1000 idle connections per
    // host: all from one address, so no cap of the defaults' size may turn them away.
    http::Server server({.listen_addresses = {listen},
                         .threads = std::stoi(flag_value(argc, argv, "threads", "4")),
                         .max_connections = 16384,
                         .max_connections_per_client = 16384});
    http::RouteOptions big{.max_body_bytes = std::size_t{64} << 20};
    server.route(
        "POST", "/hook", [&](const http::Request& r) { return sink.take(r); }, big);
    server.route("GET", "/count",
                 [&](const http::Request&) { return http::Response::json(sink.counts()); });
    server.route("GET", "/wait", [&](const http::Request& r) {
        std::size_t unique = std::stoull(r.query_param("unique").value_or("0"));
        // At most a minute per request: the script loops, bounded, for longer waits.
        long long ms = std::min(60000LL, std::stoll(r.query_param("timeout_ms").value_or("1000")));
        return http::Response::json(sink.wait(unique, std::chrono::milliseconds(ms)));
    });
    server.route("GET", "/arrivals",
                 [&](const http::Request&) { return http::Response::text(sink.arrivals()); });
    server.route("POST", "/reset", [&](const http::Request& r) {
        sink.reset(r.query_param("prefix").value_or(""));
        return http::Response::text("", 200);
    });
    try {
        server.start();
    } catch (const std::exception& e) {
        std::cerr << "webhook_sink: " << e.what() << "\n";
        return 1;
    }

    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
    std::cout << sink.counts().dump() << std::endl;
    return 0;
}
