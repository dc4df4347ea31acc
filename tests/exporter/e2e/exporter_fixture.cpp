#include "tests/exporter/e2e/exporter_fixture.hpp"

#include <fstream>
#include <limits>
#include <sstream>

#include "tests/support/process.hpp"

namespace stackwatch::test {

std::string shared_targets_yaml() {
    auto& pg = shared_postgres();
    auto& redis = shared_redis();
    return "postgres:\n"
           "  - name: main-db\n"
           "    dsn: " + pg.uri() + "\n"
           "redis:\n"
           "  - name: cache\n"
           "    address: " + redis.address() + "\n"
           "    password: " + redis.password() + "\n"
           "processes:\n"
           "  - {name: postgres, pidfile: " + pg.pid_file().string() + "}\n"
           "  - {name: redis, pidfile: " + redis.pid_file().string() + "}\n";
}

ExporterFixture::ExporterFixture(const std::string& extra_yaml, std::vector<std::string> args) {
    dir = make_temp_dir("stackwatch-e2e");
    auto config = write("exporter.yml", shared_targets_yaml() + extra_yaml);
    std::vector<std::string> argv = {"stackwatch-exporter", "--config.file=" + config.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    exporter = std::make_unique<Program>(argv);
    exporter->wait_until_serving("/health/live");
}

ExporterFixture::~ExporterFixture() {
    exporter.reset();
    remove_dir(dir);
}

std::filesystem::path ExporterFixture::write(const std::string& name, const std::string& content) const {
    auto path = dir / name;
    std::ofstream(path) << content;
    return path;
}

http::ClientResponse ExporterFixture::get(const std::string& path,
                                          std::vector<std::pair<std::string, std::string>> headers) const {
    http::ClientRequest request;
    request.url = exporter->url(path);
    request.headers = std::move(headers);
    request.timeout = std::chrono::seconds(30);
    return http::perform(request);
}

double sample_value(const std::string& exposition, const std::string& series) {
    std::istringstream in(exposition);
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (!line.starts_with(series)) continue;
        // "pg_up" matches "pg_up 1" and "pg_up{...} 1" but not "pg_up_extra 1".
        char next = line.size() > series.size() ? line[series.size()] : '\0';
        bool labelled = series.back() == '}';
        if (next != ' ' && (labelled || next != '{')) continue;
        auto space = line.rfind(' ');
        return std::stod(line.substr(space + 1));
    }
    return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace stackwatch::test
