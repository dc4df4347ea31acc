#include <boost/test/unit_test.hpp>

#include <fstream>
#include <nlohmann/json.hpp>

#include <crypt.h>

#include "common/auth.hpp"
#include "tests/exporter/e2e/exporter_fixture.hpp"
#include "tests/support/process.hpp"

using namespace stackwatch;
using namespace stackwatch::test;

namespace {

std::string bcrypt(const std::string& password) {
    char* salt = crypt_gensalt_ra("$2b$", 5, nullptr, 0);
    crypt_data data{};
    std::string hash = crypt_r(password.c_str(), salt, &data);
    free(salt);
    return hash;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(exporter_security)

BOOST_AUTO_TEST_CASE(bearer_token_guards_detailed_health_and_monitoring) {
    auto dir = make_temp_dir("stackwatch-token");
    auto token_file = dir / "token";
    std::ofstream(token_file) << "s3cret-token\n";
    {
        ExporterFixture fx("", {"--web.auth-token-file=" + token_file.string()});
        for (const char* path : {"/health/detailed", "/monitoring/metrics"}) {
            auto none = fx.get(path);
            BOOST_TEST(none.status == 401, path);
            BOOST_TEST(nlohmann::json::parse(none.body)["error"] == "authentication required");
            BOOST_TEST(fx.get(path, {{"Authorization", "Bearer wrong"}}).status == 401);
            BOOST_TEST(fx.get(path, {{"Authorization", "Bearer s3cret-token"}}).status == 200, path);
        }
        // Probes stay open for Kubernetes, and /metrics for Prometheus.
        BOOST_TEST(fx.get("/health").status == 200);
        BOOST_TEST(fx.get("/health/live").status == 200);
        BOOST_TEST(fx.get("/health/ready").status == 200);
        BOOST_TEST(fx.get("/metrics").status == 200);
        BOOST_TEST(fx.exporter->output().find("s3cret-token") == std::string::npos);
    }
    remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(basic_auth_from_the_web_config) {
    auto dir = make_temp_dir("stackwatch-webcfg");
    auto web = dir / "web.yml";
    std::ofstream(web) << "basic_auth_users:\n  prometheus: " << bcrypt("scrape-pw") << "\n";
    {
        ExporterFixture fx("", {"--web.config.file=" + web.string()});
        BOOST_TEST(fx.get("/metrics").status == 401);
        auto wrong = "Basic " + base64_encode("prometheus:nope");
        BOOST_TEST(fx.get("/metrics", {{"Authorization", wrong}}).status == 401);
        auto right = "Basic " + base64_encode("prometheus:scrape-pw");
        auto r = fx.get("/metrics", {{"Authorization", right}});
        BOOST_TEST(r.status == 200);
        BOOST_TEST(sample_value(r.body, "pg_up") == 1.0);
        BOOST_TEST(fx.get("/probe?target=cache", {{"Authorization", right}}).status == 200);
        BOOST_TEST(fx.get("/probe?target=cache").status == 401);
    }
    std::ofstream(web) << "basic_auth_users:\n  prometheus: plaintext\n";
    auto r = run_program({"stackwatch-exporter", "--web.config.file=" + web.string()});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find(web.string() + ":2:15: basic_auth_users.prometheus: password of user \"prometheus\" must be a bcrypt hash") != std::string::npos, r.output);
    remove_dir(dir);
}

BOOST_AUTO_TEST_CASE(tls_with_a_certificate_the_test_makes) {
    auto dir = make_temp_dir("stackwatch-tls");
    auto cert = dir / "cert.pem";
    auto key = dir / "key.pem";
    run_checked({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.string(), "-out", cert.string()});
    auto web = dir / "web.yml";
    std::ofstream(web) << "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS12\n";
    {
        Program exporter({"stackwatch-exporter", "--web.config.file=" + web.string()});
        std::string base = "https://127.0.0.1:" + std::to_string(exporter.port());
        http::ClientResponse r;
        for (int i = 0; i < 300 && r.status == 0; ++i) {
            http::ClientRequest request;
            request.url = base + "/health";
            request.ca_file = cert.string();
            r = http::perform(request);
            if (r.status == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        BOOST_TEST(r.status == 200, r.error << exporter.output());
        BOOST_TEST(nlohmann::json::parse(r.body)["status"] == "ok");
        // Without trusting the certificate the handshake is refused, and plain HTTP gets nothing.
        http::ClientRequest untrusted;
        untrusted.url = base + "/health";
        BOOST_TEST(!http::perform(untrusted).ok());
        BOOST_TEST(http::get("http://127.0.0.1:" + std::to_string(exporter.port()) + "/health").status != 200);
    }
    std::ofstream(web) << "tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n";
    auto r = run_program({"stackwatch-exporter", "--web.config.file=" + web.string()});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.output.find("tls_server_config.cert_file") != std::string::npos, r.output);
    remove_dir(dir);
}

BOOST_AUTO_TEST_SUITE_END()
