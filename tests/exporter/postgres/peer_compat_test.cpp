// Our family names and types against the postgres_exporter Debian ships (0.11.1), run against
// the same test server. Skips when the peer is not installed.

#include <signal.h>

#include <boost/test/unit_test.hpp>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/http_client.hpp"
#include "exporter/postgres/postgres_target.hpp"
#include "tests/exporter/postgres/postgres_fixture.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

namespace {

const char* kPeer = "/usr/bin/prometheus-postgres-exporter";

std::map<std::string, std::string> types_of(const std::string& exposition) {
    std::map<std::string, std::string> types;
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::string hash, keyword, name, type;
        if (words >> hash >> keyword >> name >> type && hash == "#" && keyword == "TYPE" &&
            name.rfind("pg_", 0) == 0)
            types[name] = type;
    }
    return types;
}

// Label names of every sample of each pg_ family, e.g. {"datname", "mode"}. Values may hold
// commas, braces and escaped quotes, so they are skipped character by character.
std::map<std::string, std::set<std::string>> label_names_of(const std::string& exposition) {
    std::map<std::string, std::set<std::string>> labels;
    std::istringstream lines(exposition);
    for (std::string line; std::getline(lines, line);) {
        auto brace = line.find('{');
        if (line.rfind("pg_", 0) != 0 || brace == std::string::npos) continue;
        auto& names = labels[line.substr(0, brace)];
        std::size_t i = brace + 1;
        while (i < line.size() && line[i] != '}') {
            auto equals = line.find('=', i);
            names.insert(line.substr(i, equals - i));
            i = equals + 2;  // past ="
            while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
            i += 1;  // past the closing quote
            if (i < line.size() && line[i] == ',') ++i;
        }
    }
    return labels;
}

std::string scrape_peer() {
    auto& server = shared_postgres();
    int port = free_port();
    auto dir = make_temp_dir("stackwatch-peer");
    pid_t pid = spawn({kPeer, "--web.listen-address=127.0.0.1:" + std::to_string(port)},
                      {.log_file = dir / "peer.log", .env = {"DATA_SOURCE_NAME=" + server.uri()}});
    guard_pid(pid);
    std::string body;
    // The peer reports pg_up 0 until its first connection; poll until it has one.
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < give_up) {
        auto response = http::get("http://127.0.0.1:" + std::to_string(port) + "/metrics",
                                  std::chrono::seconds(5));
        if (response.ok() && response.body.find("\npg_up 1") != std::string::npos) {
            body = response.body;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    stop_process(pid, SIGTERM, std::chrono::seconds(5));
    unguard_pid(pid);
    remove_dir(dir);
    return body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(postgres_peer_compat)

BOOST_AUTO_TEST_CASE(family_names_and_types_match_postgres_exporter) {
    if (!std::filesystem::exists(kPeer)) {
        BOOST_TEST_MESSAGE(
            "prometheus-postgres-exporter is not installed; skipping the comparison");
        return;
    }
    std::string peer_output = scrape_peer();
    BOOST_TEST_REQUIRE(!peer_output.empty(), "the peer never reported pg_up 1");
    auto peer = types_of(peer_output);

    exporter::postgres::PostgresTarget target(test_options());
    std::string our_output = collect(target).serialize();
    auto ours = types_of(our_output);
    auto peer_labels = label_names_of(peer_output);
    auto our_labels = label_names_of(our_output);

    // Every family the peer has, we have with the same type (we have more: replication,
    // postmaster, per-table and 0.20's renamed families).
    std::size_t compared = 0;
    for (const auto& [name, type] : peer) {
        BOOST_TEST_CONTEXT(name) {
            auto it = ours.find(name);
            BOOST_TEST((it != ours.end()), "missing family " << name);
            if (it == ours.end()) continue;
            BOOST_TEST(it->second == type);
            // 0.11 labels its built-in metrics with the server; we leave that to the exporter.
            auto expected = peer_labels[name];
            expected.erase("server");
            BOOST_TEST(our_labels[name] == expected, boost::test_tools::per_element());
            ++compared;
        }
    }
    BOOST_TEST(compared > 100u);
    BOOST_TEST(
        peer_labels["pg_locks_count"] == (std::set<std::string>{"datname", "mode", "server"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
