#pragma once
// A real SMTP server for the email receiver's tests: tests/support/smtp_server.py on Debian's
// aiosmtpd (/usr/bin/python3, python3-aiosmtpd), with a fresh self-signed certificate for
// 127.0.0.1, STARTTLS (or implicit TLS, or none) and AUTH required.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace stackwatch::test {

struct ReceivedMail {
    std::string mail_from;
    std::vector<std::string> rcpt_tos;
    std::string data;  // the whole message as it arrived
    bool tls = false;
    bool authenticated = false;
};

class SmtpServer {
  public:
    enum class Mode { starttls, implicit_tls, plain };
    explicit SmtpServer(Mode mode = Mode::starttls, std::string user = "alertmanager",
                        std::string password = "s3cret", int port = 0);
    ~SmtpServer();
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;

    int port() const { return port_; }
    std::string smarthost() const { return "127.0.0.1:" + std::to_string(port_); }
    std::filesystem::path ca_file() const { return dir_ / "cert.pem"; }
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }

    std::vector<ReceivedMail> messages() const;
    bool wait_for(std::size_t n, std::chrono::milliseconds bound = std::chrono::seconds(20)) const;

    static bool available();  // /usr/bin/python3 with aiosmtpd

  private:
    std::filesystem::path dir_;
    std::string user_, password_;
    int port_ = 0;
    pid_t pid_ = -1;
};

}  // namespace stackwatch::test
