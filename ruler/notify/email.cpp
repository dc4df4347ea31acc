#include "ruler/notify/email.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "common/http_client.hpp"
#include "common/redact.hpp"
#include "ruler/notify/mime.hpp"

namespace stackwatch::notify {
namespace {

using nlohmann::json;

std::string local_hostname() {
    char name[256] = {};
    if (gethostname(name, sizeof name - 1) != 0) return "localhost";
    return name;
}

// time.RFC1123Z in UTC: "Mon, 02 Jan 2006 15:04:05 +0000".
std::string rfc1123z(TimePoint t) {
    std::time_t secs = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buf;
}

std::string message_id(TimePoint now, const std::string& hostname) {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    auto nanos =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
    return "<" + std::to_string(nanos) + "." + std::to_string(random()) + "@" + hostname + ">";
}

// multipart.Writer's part: headers sorted by name, the body quoted-printable.
std::string part(const std::string& boundary, bool first, const char* content_type,
                 const std::string& body) {
    return std::string(first ? "" : "\r\n") + "--" + boundary +
           "\r\nContent-Transfer-Encoding: quoted-printable\r\nContent-Type: " + content_type +
           "\r\n\r\n" + mime::quoted_printable(body);
}

std::string read_password_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) return "";
    std::stringstream content;
    content << in.rdbuf();
    return content.str();  // as Alertmanager reads it: not trimmed
}

struct Upload {
    const std::string* text;
    std::size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    size_t n = std::min(size * count, upload->text->size() - upload->offset);
    std::memcpy(buffer, upload->text->data() + upload->offset, n);
    upload->offset += n;
    return n;
}

}  // namespace

EmailNotifier::EmailNotifier(EmailConfig config,
                             std::shared_ptr<const NotificationTemplates> templates)
    : config_(std::move(config)), templates_(std::move(templates)), hostname_(local_hostname()) {
    // email.New: Subject, To and From are headers unless the configuration sets them.
    config_.headers.try_emplace("Subject", R"({{ template "email.default.subject" . }})");
    config_.headers.try_emplace("To", config_.to);
    config_.headers.try_emplace("From", config_.from);
}

std::string EmailNotifier::render(const NotificationData& data) const {
    auto text = [&](const std::string& t) { return templates_->execute_best_effort(t, data); };
    auto from = mime::parse_address_list(text(config_.from));
    auto to = mime::parse_address_list(text(config_.to));
    if (!from || from->size() != 1)
        return json{{"error", "must be exactly one 'from' address: " + text(config_.from)}}.dump();
    if (!to) return json{{"error", "cannot parse 'to' addresses: " + text(config_.to)}}.dump();

    std::string message;
    for (const auto& [name, value] : config_.headers)
        message += name + ": " + mime::q_encode(text(value)) + "\r\n";
    if (!config_.headers.contains("Message-Id"))
        message += "Message-Id: " + message_id(data.now, hostname_) + "\r\n";
    auto boundary = mime::random_boundary();
    message += "Date: " + rfc1123z(data.now) + "\r\n";
    message += "Content-Type: multipart/alternative;  boundary=" + boundary + "\r\n";
    message += "MIME-Version: 1.0\r\n\r\n";
    bool first = true;
    if (!config_.text.empty()) {
        message += part(boundary, first, "text/plain; charset=UTF-8", text(config_.text));
        first = false;
    }
    if (!config_.html.empty())
        message += part(boundary, first, "text/html; charset=UTF-8",
                        templates_->execute_html_best_effort(config_.html, data));
    message += "\r\n--" + boundary + "--\r\n";
    return json{{"from", from->front()}, {"to", *to}, {"message", message}}.dump();
}

DeliveryResult EmailNotifier::deliver(const std::string& payload, const std::string&) const {
    auto envelope = json::parse(payload, nullptr, false);
    if (envelope.is_discarded()) return {.error = "unreadable email in the outbox"};
    if (envelope.contains("error")) return {.error = envelope["error"].get<std::string>()};
    std::string message = envelope["message"];

    http::init_curl();
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return {.retry = true, .error = "curl_easy_init failed"};
    bool implicit_tls = config_.smarthost_port == "465";
    std::string host = config_.smarthost_host.find(':') != std::string::npos
                           ? "[" + config_.smarthost_host + "]"
                           : config_.smarthost_host;
    std::string url = std::string(implicit_tls ? "smtps://" : "smtp://") + host + ":" +
                      config_.smarthost_port + "/" + config_.hello;
    std::string from = "<" + envelope["from"].get<std::string>() + ">";
    curl_slist* recipients = nullptr;
    for (const auto& to : envelope["to"])
        recipients = curl_slist_append(recipients, ("<" + to.get<std::string>() + ">").c_str());
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients_owner(
        recipients, curl_slist_free_all);
    Upload upload{&message};
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    // require_tls means STARTTLS or nothing, as in Alertmanager; without it no TLS is tried.
    if (!implicit_tls)
        curl_easy_setopt(c, CURLOPT_USE_SSL,
                         config_.require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE);
    const auto& tls = config_.tls;
    if (!tls.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, tls.ca_file.c_str());
    if (!tls.cert_file.empty()) curl_easy_setopt(c, CURLOPT_SSLCERT, tls.cert_file.c_str());
    if (!tls.key_file.empty()) curl_easy_setopt(c, CURLOPT_SSLKEY, tls.key_file.c_str());
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls.insecure_skip_verify ? 0L : 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls.insecure_skip_verify ? 0L : 2L);
    std::string password = config_.auth_password_file.empty()
                               ? config_.auth_password
                               : read_password_file(config_.auth_password_file);
    if (!config_.auth_username.empty()) {
        curl_easy_setopt(c, CURLOPT_USERNAME, config_.auth_username.c_str());
        if (!config_.auth_secret.empty()) {
            curl_easy_setopt(c, CURLOPT_PASSWORD, config_.auth_secret.c_str());
            curl_easy_setopt(c, CURLOPT_LOGIN_OPTIONS, "AUTH=CRAM-MD5");
        } else {
            curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
        }
        if (!config_.auth_identity.empty())
            curl_easy_setopt(c, CURLOPT_SASL_AUTHZID, config_.auth_identity.c_str());
    }
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) return {.ok = true};
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    DeliveryResult result;
    result.error = redact(std::string("smtp ") + config_.smarthost_host + ":" +
                          config_.smarthost_port + ": " + curl_easy_strerror(rc) +
                          (reply > 0 ? " (reply " + std::to_string(reply) + ")" : ""));
    // A permanent SMTP reply (5xx: no such mailbox, authentication refused) will not change
    // with another attempt; the rest (4xx, network, TLS handshakes) may.
    result.retry = !(reply >= 500 && reply < 600);
    return result;
}

}  // namespace stackwatch::notify
