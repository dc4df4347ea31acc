#include "common/auth.hpp"

#include <crypt.h>

#include <fstream>
#include <stdexcept>

namespace stackwatch {
namespace {

constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
        s.pop_back();
    size_t start = s.find_first_not_of(" \t");
    return start == std::string::npos ? "" : s.substr(start);
}

}  // namespace

std::optional<std::string> credentials(const http::Request& request, std::string_view scheme) {
    auto header = request.header("authorization");
    if (!header || header->size() <= scheme.size() + 1) return std::nullopt;
    for (size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>((*header)[i])) != scheme[i]) return std::nullopt;
    if ((*header)[scheme.size()] != ' ') return std::nullopt;
    return trim(header->substr(scheme.size() + 1));
}

bool constant_time_equals(std::string_view a, std::string_view b) {
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    size_t n = std::max(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
        unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

BearerTokenAuth::BearerTokenAuth(std::string token) : token_(std::move(token)) {
    if (token_.empty()) throw std::runtime_error("bearer token is empty");
}

std::string read_token_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read token file " + path);
    std::string line;
    std::getline(in, line);
    line = trim(line);
    if (line.empty()) throw std::runtime_error("token file " + path + " is empty");
    return line;
}

BearerTokenAuth BearerTokenAuth::from_file(const std::string& path) {
    return BearerTokenAuth(read_token_file(path));
}

bool BearerTokenAuth::authenticate(const http::Request& request) const {
    auto presented = credentials(request, "bearer");
    return presented && constant_time_equals(*presented, token_);
}

BasicAuth::BasicAuth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

bool BasicAuth::authenticate(const http::Request& request) const {
    auto encoded = credentials(request, "basic");
    if (!encoded) return false;
    std::string decoded = base64_decode(*encoded);
    auto colon = decoded.find(':');
    if (colon == std::string::npos) return false;
    auto it = users_.find(decoded.substr(0, colon));
    if (it == users_.end()) return false;
    std::string password = decoded.substr(colon + 1);
    crypt_data data{};
    const char* hashed = crypt_r(password.c_str(), it->second.c_str(), &data);
    return hashed != nullptr && hashed[0] != '*' && constant_time_equals(hashed, it->second);
}

std::string base64_decode(std::string_view text) {
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (char c : text) {
        if (c == '=') break;
        auto pos = kBase64Alphabet.find(c);
        if (pos == std::string_view::npos) return "";
        value = (value << 6) | static_cast<unsigned>(pos);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xff);
        }
    }
    return out;
}

std::string base64_encode(std::string_view bytes) {
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kBase64Alphabet[(value >> bits) & 0x3f];
        }
    }
    if (bits > 0) out += kBase64Alphabet[(value << (6 - bits)) & 0x3f];
    while (out.size() % 4 != 0) out += '=';
    return out;
}

}  // namespace stackwatch
