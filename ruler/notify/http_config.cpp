#include "ruler/notify/http_config.hpp"

#include <filesystem>
#include <fstream>

namespace stackwatch::notify {
namespace {

// Relative to the configuration file.
std::string resolved(const ConfigNode& node, std::filesystem::path file) {
    if (file.empty() || file.is_absolute()) return file.string();
    return (std::filesystem::path(node.file()).parent_path() / file).string();
}

std::string file_field(const ConfigNode& parent, std::string_view key) {
    return resolved(parent, parent.get_raw_string(key, ""));
}

}  // namespace

TlsConfig parse_tls_config(const ConfigNode& node) {
    node.allow_keys({"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify",
                     "min_version", "max_version", "ca", "cert", "key"});
    for (const char* inline_pem : {"ca", "cert", "key"})
        if (node.has(inline_pem))
            node[inline_pem].fail("inline certificates are not supported; use the *_file form");
    TlsConfig tls;
    tls.ca_file = file_field(node, "ca_file");
    tls.cert_file = file_field(node, "cert_file");
    tls.key_file = file_field(node, "key_file");
    if (tls.cert_file.empty() != tls.key_file.empty())
        node.fail(tls.cert_file.empty() ? "client key file specified without client cert file"
                                        : "client cert file specified without client key file");
    tls.server_name = node.get_raw_string("server_name", "");
    tls.insecure_skip_verify = node.get_bool("insecure_skip_verify", false);
    return tls;
}

HttpConfig parse_http_config(const ConfigNode& node) {
    node.allow_keys({"basic_auth", "authorization", "bearer_token", "bearer_token_file",
                     "tls_config", "proxy_url", "follow_redirects", "enable_http2", "oauth2",
                     "http_headers"});
    return parse_http_client_keys(node);
}

HttpConfig parse_http_client_keys(const ConfigNode& node) {
    if (node.has("oauth2")) node["oauth2"].fail("oauth2 is not supported by stackwatch");
    HttpConfig c;
    c.auth = scrape::parse_http_auth(node);
    if (node.has("bearer_token") || node.has("bearer_token_file")) {
        if (node.has("bearer_token") && node.has("bearer_token_file"))
            node.fail("at most one of bearer_token & bearer_token_file must be configured");
        if (c.auth.basic_auth || c.auth.authorization)
            node.fail(
                "at most one of basic_auth, bearer_token & bearer_token_file must be configured");
        scrape::Authorization bearer;
        bearer.credentials = node.get_raw_string("bearer_token", "");
        bearer.credentials_file = file_field(node, "bearer_token_file");
        c.auth.authorization = bearer;
    }
    if (node.has("tls_config")) c.tls = parse_tls_config(node["tls_config"]);
    c.proxy_url = node.get_raw_string("proxy_url", "");
    c.follow_redirects = node.get_bool("follow_redirects", true);
    for (const auto& [name, header] : node["http_headers"].entries()) {
        header.require_map();
        header.allow_keys({"values", "secrets", "files"});
        HttpHeader h{name, header["values"].as_raw_string_list(), {}};
        for (auto& secret : header["secrets"].as_raw_string_list()) h.values.push_back(secret);
        for (const auto& file : header["files"].items()) h.files.push_back(resolved(file, file.raw_scalar()));
        std::string lowered = name;
        for (auto& ch : lowered) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (lowered == "authorization" || lowered == "content-type" || lowered == "user-agent")
            header.fail("header " + name + " is set by stackwatch; use authorization for credentials");
        c.headers.push_back(std::move(h));
    }
    return c;
}

void HttpConfig::apply(http::ClientRequest& request) const {
    auth.apply(request);
    request.ca_file = tls.ca_file;
    request.cert_file = tls.cert_file;
    request.key_file = tls.key_file;
    request.server_name = tls.server_name;
    request.verify_tls = !tls.insecure_skip_verify;
    request.proxy_url = proxy_url;
    request.follow_redirects = follow_redirects;
    for (const auto& h : headers) {
        for (const auto& v : h.values) request.headers.emplace_back(h.name, v);
        for (const auto& file : h.files) {
            std::ifstream in(file);
            if (!in) throw std::runtime_error("cannot read header file " + file);
            std::string value;
            std::getline(in, value);
            request.headers.emplace_back(h.name, value);
        }
    }
}

}  // namespace stackwatch::notify
