#pragma once
// Starts stackwatch-exporter against the shared test PostgreSQL and Redis, with a config file
// the test can extend.

#include <filesystem>
#include <memory>
#include <string>

#include "common/http_client.hpp"
#include "tests/support/postgres_server.hpp"
#include "tests/support/program.hpp"
#include "tests/support/redis_server.hpp"

namespace stackwatch::test {

// The targets section for the shared servers, named "main-db" and "cache".
std::string shared_targets_yaml();

struct ExporterFixture {
    std::filesystem::path dir;
    std::unique_ptr<Program> exporter;

    // `extra_yaml` is appended to the config; `args` are extra flags.
    explicit ExporterFixture(const std::string& extra_yaml = "", std::vector<std::string> args = {});
    ~ExporterFixture();
    std::filesystem::path write(const std::string& name, const std::string& content) const;
    http::ClientResponse get(const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {}) const;
};

// Value of the first sample line of `series` ("pg_up" or "pg_up{...}"); NaN when absent, so
// any comparison with it fails and the assertion prints it.
double sample_value(const std::string& exposition, const std::string& series);

}  // namespace stackwatch::test
