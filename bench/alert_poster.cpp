// The load generator of bench/notify: the same alerts, byte for byte apart from the timestamps,
// for stackwatch-ruler and for Alertmanager, POSTed to /api/v2/alerts as Prometheus does.
//
//   stackwatch_bench_alert_poster burst --url=BASE --count=N [--first=0] [--batch=100]
//       [--concurrency=4] [--prefix=P] [--shape=flat|byname|inhibit] [--only=all|sources|targets]
//     Builds every body first, then POSTs them from `concurrency` threads, each taking the next
//     batch; prints {"start_ns","end_ns","posts","alerts","failed","first_error","max_post_ms"}.
//     start_ns is taken just before the first POST (CLOCK_REALTIME, as the sink's).
//   stackwatch_bench_alert_poster latency --url=BASE --sink=SINK_BASE --count=N [--prefix=P]
//       [--gap_ms=20] [--timeout_ms=10000]
//     One new alert at a time: reads the clock, POSTs it, waits (long-polling the sink's /wait)
//     until the sink has it, pauses gap_ms; then prints each alert's milliseconds from just
//     before its POST to its arrival at the sink, one per line ("missing" for one that never came).
//   stackwatch_bench_alert_poster inhibit-rules [--rules=100]
//     Prints the inhibit_rules section that goes with --shape=inhibit.
//
// Shapes (labels besides id=P-i, which the sink keys on):
//   flat     alertname Bench<i%10>, job, instance, severity, team: every alert distinct
//   byname   alertname Bench_<P>_<i/batch>: each batch is one alertname (group_by [alertname]);
//            no startsAt and endsAt, so that group_wait counts from the alert's arrival
//   inhibit  every 10th alert a source (alertname BenchSource<(i/10)%10>, severity critical),
//            the rest targets (BenchAlert<i%50>, severity warning), with cluster c<(i/3)%20>,
//            service svc<(i/7)%37>, team team-<i%8>, job job-<i%20>. Rule r mutes targets named
//            BenchAlert<(r+5k)%50> (k = 0..9) outside team-<r%8> while a BenchSource<r%10> fires
//            with the same [cluster, service], [cluster, job] or [service, team] (by r%3). So
//            each target matches the target side of ~17 rules, each rule has ~100 sources to
//            compare, and with 10,000 alerts 4,530 of the 9,000 targets are inhibited.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
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

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// RFC 3339 with milliseconds, as Prometheus sends it.
std::string rfc3339(std::chrono::system_clock::time_point t) {
    std::time_t secs = std::chrono::system_clock::to_time_t(t);
    auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms));
    return buf;
}

struct Args {
    std::map<std::string, std::string> values;
    std::string get(const std::string& name, const std::string& fallback = "") const {
        auto it = values.find(name);
        return it == values.end() ? fallback : it->second;
    }
    long long num(const std::string& name, long long fallback) const {
        auto it = values.find(name);
        return it == values.end() ? fallback : std::stoll(it->second);
    }
};

json make_alert(const std::string& shape, const std::string& prefix, long long i, long long batch,
                const std::string& starts, const std::string& ends) {
    json labels;
    json annotations;
    labels["id"] = prefix + "-" + std::to_string(i);
    if (shape == "inhibit") {
        bool source = i % 10 == 0;
        labels["alertname"] = source ? "BenchSource" + std::to_string((i / 10) % 10)
                                     : "BenchAlert" + std::to_string(i % 50);
        labels["severity"] = source ? "critical" : "warning";
        labels["cluster"] = "c" + std::to_string((i / 3) % 20);
        labels["service"] = "svc" + std::to_string((i / 7) % 37);
        labels["team"] = "team-" + std::to_string(i % 8);
    } else {
        labels["alertname"] = shape == "byname"
                                  ? "Bench_" + prefix + "_" + std::to_string(i / batch)
                                  : "Bench" + std::to_string(i % 10);
        labels["severity"] = i % 7 == 0 ? "critical" : "warning";
        labels["team"] = "team-" + std::to_string(i % 8);
    }
    labels["job"] = "job-" + std::to_string(i % 20);
    labels["instance"] = "host-" + std::to_string(i % 1000) + ".example:9100";
    annotations["summary"] =
        "bench alert " + std::to_string(i) + " on host-" + std::to_string(i % 1000);
    annotations["description"] = "generated by bench/notify; value " + std::to_string(i * 7 % 101);
    json alert = {
        {"labels", labels},
        {"annotations", annotations},
        {"generatorURL", "http://prometheus.example:9090/graph?g0.expr=bench_alert%7Bid%3D%22" +
                             std::to_string(i) + "%22%7D"}};
    // An alert whose startsAt + group_wait has passed is flushed at once (Alertmanager's rule),
    // so byname leaves startsAt to the server (now): group_wait then counts from its arrival.
    // Without startsAt, endsAt must go too (Alertmanager would take it as startsAt); the server
    // then sets now + resolve_timeout (5m), longer than the phase.
    if (shape != "byname") {
        alert["startsAt"] = starts;
        alert["endsAt"] = ends;
    }
    return alert;
}

http::ClientResponse post(const std::string& url, const std::string& body) {
    http::ClientRequest r{
        .method = "POST", .url = url, .body = body, .timeout = std::chrono::seconds(60)};
    r.headers.emplace_back("Content-Type", "application/json");
    r.headers.emplace_back("Expect", "");  // no 100-continue round trip
    return http::perform(r);
}

int burst(const Args& args) {
    const std::string url = args.get("url") + "/api/v2/alerts";
    const long long count = args.num("count", 20000), first = args.num("first", 0);
    const long long batch = std::max(1LL, args.num("batch", 100));
    const int concurrency = static_cast<int>(std::max(1LL, args.num("concurrency", 4)));
    const std::string prefix = args.get("prefix", "a"), shape = args.get("shape", "flat");
    const std::string only = args.get("only", "all");
    auto now = std::chrono::system_clock::now();
    const std::string starts = rfc3339(now), ends = rfc3339(now + std::chrono::hours(2));

    std::vector<std::string> bodies;
    std::vector<long long> sizes;
    json current = json::array();
    for (long long i = first; i < first + count; ++i) {
        if (shape == "inhibit" && only != "all" && ((i % 10 == 0) != (only == "sources"))) continue;
        current.push_back(make_alert(shape, prefix, i, batch, starts, ends));
        if (static_cast<long long>(current.size()) == batch) {
            sizes.push_back(static_cast<long long>(current.size()));
            bodies.push_back(current.dump());
            current = json::array();
        }
    }
    if (!current.empty()) {
        sizes.push_back(static_cast<long long>(current.size()));
        bodies.push_back(current.dump());
    }

    std::atomic<std::size_t> next{0};
    std::atomic<long long> failed{0}, sent_alerts{0}, max_post_us{0};
    std::mutex error_mutex;
    std::string first_error;
    const std::int64_t start = now_ns();
    std::vector<std::thread> threads;
    for (int t = 0; t < concurrency; ++t) {
        threads.emplace_back([&] {
            for (std::size_t k = next++; k < bodies.size(); k = next++) {
                auto t0 = std::chrono::steady_clock::now();
                auto response = post(url, bodies[k]);
                auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                              std::chrono::steady_clock::now() - t0)
                              .count();
                long long seen = max_post_us.load();
                while (us > seen && !max_post_us.compare_exchange_weak(seen, us)) {
                }
                if (response.status != 200) {
                    ++failed;
                    std::lock_guard lock(error_mutex);
                    if (first_error.empty())
                        first_error = std::to_string(response.status) + " " + response.error + " " +
                                      response.body.substr(0, 200);
                } else {
                    sent_alerts += sizes[k];
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    const std::int64_t end = now_ns();
    std::cout << json{{"start_ns", start},
                      {"end_ns", end},
                      {"posts", bodies.size()},
                      {"alerts", sent_alerts.load()},
                      {"failed", failed.load()},
                      {"first_error", first_error},
                      {"max_post_ms", max_post_us.load() / 1000.0}}
                     .dump()
              << std::endl;
    return failed.load() == 0 ? 0 : 1;
}

int latency(const Args& args) {
    const std::string url = args.get("url") + "/api/v2/alerts";
    const std::string sink = args.get("sink");
    const long long count = args.num("count", 300), gap_ms = args.num("gap_ms", 20);
    const long long timeout_ms = std::min(60000LL, args.num("timeout_ms", 10000));
    const std::string prefix = args.get("prefix", "lat");
    std::vector<std::int64_t> sent(static_cast<std::size_t>(count), 0);
    int failures = 0;
    for (long long i = 0; i < count; ++i) {
        auto now = std::chrono::system_clock::now();
        std::string body = json::array({make_alert("flat", prefix, i, 1, rfc3339(now),
                                                   rfc3339(now + std::chrono::hours(2)))})
                               .dump();
        sent[static_cast<std::size_t>(i)] = now_ns();
        auto response = post(url, body);
        if (response.status != 200) {
            std::cerr << "alert_poster: POST " << i << ": " << response.status << " "
                      << response.error << " " << response.body.substr(0, 200) << "\n";
            if (++failures > 10) return 1;
            continue;
        }
        // Bounded: one long poll of at most timeout_ms.
        http::get(sink + "/wait?unique=" + std::to_string(i + 1 - failures) +
                      "&timeout_ms=" + std::to_string(timeout_ms),
                  std::chrono::milliseconds(timeout_ms + 5000));
        std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    }
    auto arrivals = http::get(sink + "/arrivals", std::chrono::seconds(30));
    std::map<std::string, std::int64_t> at;
    std::size_t pos = 0;
    const std::string& text = arrivals.body;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string::npos) eol = text.size();
        std::string line = text.substr(pos, eol - pos);
        pos = eol + 1;
        std::size_t space = line.find(' ');
        if (space == std::string::npos) continue;
        at[line.substr(0, space)] = std::stoll(line.substr(space + 1));
    }
    for (long long i = 0; i < count; ++i) {
        auto it = at.find(prefix + "-" + std::to_string(i));
        if (it == at.end()) {
            std::cout << "missing\n";
        } else {
            std::cout << (it->second - sent[static_cast<std::size_t>(i)]) / 1e6 << "\n";
        }
    }
    return 0;
}

int inhibit_rules(const Args& args) {
    const long long rules = args.num("rules", 100);
    static const char* const kEqual[] = {"[cluster, service]", "[cluster, job]", "[service, team]"};
    std::cout << "inhibit_rules:\n";
    for (long long r = 0; r < rules; ++r) {
        std::string names;
        for (int k = 0; k < 10; ++k) names += (k ? "|" : "") + std::to_string((r + 5 * k) % 50);
        std::cout << "- source_matchers: ['alertname=\"BenchSource" << r % 10
                  << "\"', 'severity=\"critical\"']\n"
                  << "  target_matchers: ['severity=\"warning\"', 'alertname=~\"BenchAlert("
                  << names << ")\"', 'team!=\"team-" << r % 8 << "\"']\n"
                  << "  equal: " << kEqual[r % 3] << "\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: stackwatch_bench_alert_poster burst|latency|inhibit-rules "
                     "[--name=value...]\n";
        return 2;
    }
    Args args;
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        auto eq = arg.find('=');
        if (!arg.starts_with("--") || eq == std::string::npos) {
            std::cerr << "alert_poster: bad argument " << arg << "\n";
            return 2;
        }
        args.values[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    }
    const std::string mode = argv[1];
    for (const char* key : {"url", "sink"}) {
        std::string value = args.get(key);
        if (!value.empty() && !value.starts_with("http://127.0.0.1:")) {
            std::cerr << "alert_poster: --" << key << " must be on http://127.0.0.1\n";
            return 2;
        }
    }
    if (mode == "burst") return burst(args);
    if (mode == "latency") return latency(args);
    if (mode == "inhibit-rules") return inhibit_rules(args);
    std::cerr << "alert_poster: unknown mode " << mode << "\n";
    return 2;
}
