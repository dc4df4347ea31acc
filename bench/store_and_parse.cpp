// Two figures bench/ruler reports beside promtool's: what the embedded store costs per sample,
// and how many samples per second the exposition-format parser reads. Prints "name value"
// lines for the script to pick up.

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/flags.hpp"
#include "ruler/scrape/text_parser.hpp"
#include "ruler/storage/memory_store.hpp"

using namespace stackwatch;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return 0;
}

const std::vector<std::string> kFamilies = {
    "pg_stat_database_tup_fetched", "pg_locks_count", "redis_commands_total",
    "http_request_duration_seconds_bucket", "process_resident_memory_bytes"};

// Label sets shaped like an exporter's: a few families, each series with job, instance and one
// or two labels of its own.
std::vector<promql::Labels> exporter_like_series(std::size_t count) {
    std::vector<promql::Labels> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        out.push_back(promql::Labels{{"__name__", kFamilies[i % kFamilies.size()]},
                                     {"job", "job-" + std::to_string(i % 10)},
                                     {"instance", "10.0.0." + std::to_string(i % 250) + ":9187"},
                                     {"series", std::to_string(i)}});
    }
    return out;
}

// Reads shaped like rule evaluations: every family selected by name over a window ending at the
// newest sample, for at least two seconds.
void measure_reads(const storage::MemoryStore& store, const std::string& window,
                   promql::Timestamp mint, promql::Timestamp maxt) {
    std::size_t samples = 0;
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < 2) {
        for (const auto& family : kFamilies) {
            std::vector<promql::Matcher> matchers{promql::Matcher(
                promql::MatchType::equal, std::string(promql::kMetricName), family)};
            for (const auto& series : store.select(matchers, mint, maxt))
                samples += series.samples.size();
        }
        elapsed = seconds_since(start);
    }
    std::cout << "store_read_" << window << "_samples_per_second "
              << static_cast<double>(samples) / elapsed << "\n";
}

// Counters grow by small integers and gauges mostly repeat, as real scrapes do, so a store that
// compresses later is measured on the values it would meet.
void measure_store(std::size_t series, std::size_t samples_per_series) {
    auto labels = exporter_like_series(series);
    std::mt19937_64 random(42);
    std::uniform_int_distribution<int> step(0, 20);
    std::vector<double> values(series, 0);

    long rss_before = rss_kib();
    storage::MemoryStore store({.max_series = series});
    auto start = Clock::now();
    for (std::size_t s = 0; s < samples_per_series; ++s) {
        promql::Timestamp t = static_cast<promql::Timestamp>(s) * 15'000;  // a 15s scrape interval
        for (std::size_t i = 0; i < series; ++i) {
            if (i % 2 == 0 || step(random) == 0) values[i] += step(random);
            store.append(labels[i], t, values[i]);
        }
    }
    double elapsed = seconds_since(start);
    long rss_after = rss_kib();

    auto samples = static_cast<double>(store.sample_count());
    std::cout << "store_series " << store.series_count() << "\n"
              << "store_samples " << store.sample_count() << "\n"
              << "store_bytes_per_sample " << static_cast<double>(store.memory_bytes()) / samples
              << "\n"
              << "store_chunk_bytes_per_sample "
              << static_cast<double>(store.chunk_bytes()) / samples << "\n"
              << "store_rss_bytes_per_sample "
              << static_cast<double>(rss_after - rss_before) * 1024 / samples << "\n"
              << "store_append_samples_per_second " << samples / elapsed << "\n";

    const promql::Timestamp last = static_cast<promql::Timestamp>(samples_per_series - 1) * 15'000;
    measure_reads(store, "5m", last - 5 * 60'000, last);
    measure_reads(store, "all", 0, last);
}

void measure_parse(const std::string& path, double min_seconds) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    std::size_t samples = 0;
    std::size_t passes = 0;
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < min_seconds) {
        scrape::TextParser parser(text);
        while (parser.next()) ++samples;
        ++passes;
        elapsed = seconds_since(start);
    }
    std::cout << "parse_input_bytes " << text.size() << "\n"
              << "parse_samples_per_pass " << samples / passes << "\n"
              << "parse_samples_per_second " << static_cast<double>(samples) / elapsed << "\n"
              << "parse_mib_per_second "
              << static_cast<double>(text.size() * passes) / elapsed / (1024 * 1024) << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string series = "10000";
    // An hour at 15s: the ruler keeps only its rules' largest range plus the lookback.
    std::string samples_per_series = "240";
    std::string parse_file;
    std::string parse_seconds = "3";
    FlagSet flags(
        "stackwatch_bench_store",
        "Bytes per sample of the embedded store and samples per second of the text parser.",
        "bench");
    flags.add_string("store.series", "Series to fill the store with.", &series);
    flags.add_string("store.samples", "Samples per series, 15s apart.", &samples_per_series);
    flags.add_string("parse.file", "Exposition-format text to parse over and over.", &parse_file);
    flags.add_string("parse.seconds", "How long to keep parsing.", &parse_seconds);
    switch (flags.parse(argc, argv, std::cout, std::cerr)) {
        case FlagSet::Outcome::exit_success:
            return 0;
        case FlagSet::Outcome::exit_usage_error:
            return FlagSet::kUsageErrorExit;
        case FlagSet::Outcome::run:
            break;
    }
    try {
        measure_store(std::stoul(series), std::stoul(samples_per_series));
        if (!parse_file.empty()) measure_parse(parse_file, std::stod(parse_seconds));
    } catch (const std::exception& e) {
        std::cerr << "stackwatch_bench_store: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
