// The load generator of bench/errors: application errors in the runbook's shape POSTed to
// /monitoring/errors for a fixed time from several threads, each request timed.
//
//   stackwatch_bench_error_poster --url=BASE [--seconds=20] [--batch=100] [--concurrency=4]
//       [--kinds=50] [--token=T]
//     Builds `kinds` distinct errors (types, messages with ids, stacks, contexts) and POSTs
//     batches of `batch` of them until `seconds` pass; prints one JSON line:
//     {"events","requests","failed","first_error","seconds","events_per_s","p50_ms","p99_ms",
//      "max_ms"}. Latency is per request, from before its POST to its 202 (the commit).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/http_client.hpp"

namespace {

using nlohmann::json;
using namespace stackwatch;
using steady = std::chrono::steady_clock;

json make_error(int kind, long long i) {
    static const char* types[] = {"TypeError", "DatabaseError", "TimeoutError", "RangeError",
                                  "AuthError"};
    std::string type = types[kind % 5];
    return {
        {"message", "request " + std::to_string(i) + " failed on cart " +
                        std::to_string(kind * 7919 + i % 1000) + " step " + std::to_string(kind)},
        {"type", type},
        {"level", kind % 9 == 0 ? "warning" : "error"},
        {"service", "svc-" + std::to_string(kind % 6)},
        {"environment", "production"},
        {"release", "1.4." + std::to_string(kind % 3)},
        {"stack", type + ": failed\n    at handler" + std::to_string(kind) + " (/app/src/routes/r" +
                      std::to_string(kind) +
                      ".js:42:17)\n    at next (/app/node_modules/express/lib/router.js:10:3)"},
        {"context",
         {{"userId", "user-" + std::to_string(i % 5000)},
          {"requestId", "req_" + std::to_string(i)},
          {"path", "/api/cart/" + std::to_string(i % 1000)}}}};
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (!a.starts_with("--") || a.find('=') == std::string::npos) {
            std::cerr << "usage: stackwatch_bench_error_poster --url=BASE [--seconds=20] "
                         "[--batch=100] [--concurrency=4] [--kinds=50] [--token=T]\n";
            return 2;
        }
        args[a.substr(2, a.find('=') - 2)] = a.substr(a.find('=') + 1);
    }
    auto num = [&](const char* name, long long fallback) {
        return args.count(name) ? std::stoll(args[name]) : fallback;
    };
    const std::string url = args["url"] + "/monitoring/errors";
    const auto seconds = num("seconds", 20);
    const auto batch = std::max(1LL, num("batch", 100));
    const int concurrency = static_cast<int>(std::max(1LL, num("concurrency", 4)));
    const int kinds = static_cast<int>(std::max(1LL, num("kinds", 50)));

    // Bodies built first, so the client's own JSON work stays out of the measured loop.
    std::vector<std::string> bodies;
    for (int b = 0; b < 64; ++b) {
        json errors = json::array();
        for (long long i = 0; i < batch; ++i)
            errors.push_back(make_error(static_cast<int>((b * batch + i) % kinds), b * batch + i));
        bodies.push_back(json{{"errors", errors}}.dump());
    }

    std::atomic<long long> events{0}, requests{0}, failed{0};
    std::mutex mutex;
    std::vector<double> latencies_ms;
    std::string first_error;
    const auto start = steady::now();
    const auto until = start + std::chrono::seconds(seconds);
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t)
        threads.emplace_back([&, t] {
            std::vector<double> mine;
            for (std::size_t n = static_cast<std::size_t>(t); steady::now() < until; ++n) {
                http::ClientRequest r{.method = "POST",
                                      .url = url,
                                      .body = bodies[n % bodies.size()],
                                      .timeout = std::chrono::seconds(30)};
                r.headers = {{"Content-Type", "application/json"}, {"Expect", ""}};
                if (args.count("token"))
                    r.headers.emplace_back("Authorization", "Bearer " + args["token"]);
                auto sent = steady::now();
                auto response = http::perform(r);
                mine.push_back(
                    std::chrono::duration<double, std::milli>(steady::now() - sent).count());
                ++requests;
                if (response.status == 202) {
                    events += batch;
                } else {
                    ++failed;
                    std::lock_guard lock(mutex);
                    if (first_error.empty())
                        first_error =
                            std::to_string(response.status) + " " + response.error + response.body;
                }
            }
            std::lock_guard lock(mutex);
            latencies_ms.insert(latencies_ms.end(), mine.begin(), mine.end());
        });
    for (auto& thread : threads) thread.join();
    const double elapsed = std::chrono::duration<double>(steady::now() - start).count();
    std::sort(latencies_ms.begin(), latencies_ms.end());
    auto quantile = [&](double q) {
        if (latencies_ms.empty()) return 0.0;
        return latencies_ms[std::min(
            latencies_ms.size() - 1,
            static_cast<std::size_t>(q * static_cast<double>(latencies_ms.size())))];
    };
    std::cout << json{{"events", events.load()},
                      {"requests", requests.load()},
                      {"failed", failed.load()},
                      {"first_error", first_error},
                      {"seconds", elapsed},
                      {"events_per_s", static_cast<double>(events.load()) / elapsed},
                      {"p50_ms", quantile(0.5)},
                      {"p99_ms", quantile(0.99)},
                      {"max_ms", latencies_ms.empty() ? 0.0 : latencies_ms.back()}}
                     .dump()
              << "\n";
    return failed.load() == 0 ? 0 : 1;
}
