#include "tests/support/smtp_server.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/eventually.hpp"
#include "tests/support/ports.hpp"
#include "tests/support/process.hpp"

namespace stackwatch::test {
namespace {

std::filesystem::path script() {
    const char* source = std::getenv("STACKWATCH_SOURCE_DIR");
    if (source == nullptr)
        throw std::runtime_error("STACKWATCH_SOURCE_DIR is not set (run through ctest)");
    return std::filesystem::path(source) / "tests/support/smtp_server.py";
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

bool SmtpServer::available() {
    return std::filesystem::exists("/usr/bin/python3") &&
           std::system("/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null") == 0;
}

SmtpServer::SmtpServer(Mode mode, std::string user, std::string password, int port)
    : dir_(make_temp_dir("stackwatch-smtp")),
      user_(std::move(user)),
      password_(std::move(password)),
      port_(port == 0 ? free_port() : port) {
    std::filesystem::create_directories(dir_ / "mail");
    run_checked({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                 "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout",
                 (dir_ / "key.pem").string(), "-out", (dir_ / "cert.pem").string()},
                {.log_file = dir_ / "openssl.log"});
    const char* mode_name = mode == Mode::starttls       ? "starttls"
                            : mode == Mode::implicit_tls ? "implicit"
                                                         : "plain";
    pid_ = spawn(
        {"/usr/bin/python3", script().string(), (dir_ / "mail").string(), std::to_string(port_),
         (dir_ / "cert.pem").string(), (dir_ / "key.pem").string(), user_, password_, mode_name},
        {.log_file = dir_ / "server.log"});
    guard_pid(pid_);
    bool ready = eventually(
        [&] { return read_file(dir_ / "server.log").find("ready") != std::string::npos; },
        std::chrono::seconds(20));
    if (!ready) {
        std::string log = read_file(dir_ / "server.log");
        stop_process(pid_, SIGTERM, std::chrono::seconds(5));
        unguard_pid(pid_);
        remove_dir(dir_);
        throw std::runtime_error("the SMTP server did not start:\n" + log);
    }
}

SmtpServer::~SmtpServer() {
    stop_process(pid_, SIGTERM, std::chrono::seconds(5));
    unguard_pid(pid_);
    remove_dir(dir_);
}

std::vector<ReceivedMail> SmtpServer::messages() const {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "mail"))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    std::vector<ReceivedMail> out;
    for (const auto& file : files) {
        auto record = nlohmann::json::parse(read_file(file));
        out.push_back({record["mail_from"], record["rcpt_tos"].get<std::vector<std::string>>(),
                       record["data"], record["tls"], record["auth"]});
    }
    return out;
}

bool SmtpServer::wait_for(std::size_t n, std::chrono::milliseconds bound) const {
    return eventually([&] { return messages().size() >= n; }, bound);
}

}  // namespace stackwatch::test
