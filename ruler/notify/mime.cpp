#include "ruler/notify/mime.hpp"

#include <cstdio>
#include <random>

namespace stackwatch::notify::mime {
namespace {

std::string trim(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return "";
    auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

// addr-spec: local@domain with no blanks; enough for what mail.ParseAddress accepts in practice.
bool plausible_address(const std::string& address) {
    auto at = address.find('@');
    return at != std::string::npos && at > 0 && at + 1 < address.size() &&
           address.find_first_of(" \t<>,\"") == std::string::npos;
}

}  // namespace

std::optional<std::vector<std::string>> parse_address_list(std::string_view list) {
    std::vector<std::string> out;
    std::string part;
    bool quoted = false;
    int angle = 0;
    auto finish = [&]() -> bool {
        std::string entry = trim(part);
        part.clear();
        if (entry.empty()) return false;
        auto open = entry.rfind('<');
        std::string address = entry;
        if (open != std::string::npos) {
            auto close = entry.find('>', open);
            if (close == std::string::npos || trim(entry.substr(close + 1)) != "") return false;
            address = entry.substr(open + 1, close - open - 1);
        }
        if (!plausible_address(address)) return false;
        out.push_back(address);
        return true;
    };
    for (char c : list) {
        if (c == '"') quoted = !quoted;
        if (!quoted && c == '<') ++angle;
        if (!quoted && c == '>') --angle;
        if (c == ',' && !quoted && angle == 0) {
            if (!finish()) return std::nullopt;
            continue;
        }
        part += c;
    }
    if (quoted || angle != 0 || !finish()) return std::nullopt;
    return out;
}

std::string q_encode(std::string_view value) {
    bool plain = true;
    for (unsigned char c : value)
        if (c < 0x20 || c > 0x7e) plain = false;
    if (plain) return std::string(value);
    // Encoded words stay within 75 characters, each splitting only between UTF-8 sequences.
    constexpr std::size_t kMaxWord = 75 - 12;  // "=?utf-8?q?" and "?="
    std::string out, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += ' ';
        out += "=?utf-8?q?" + word + "?=";
        word.clear();
    };
    std::size_t i = 0;
    while (i < value.size()) {
        auto c = static_cast<unsigned char>(value[i]);
        std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : 4;
        std::string encoded;
        for (std::size_t k = 0; k < length && i + k < value.size(); ++k) {
            auto b = static_cast<unsigned char>(value[i + k]);
            if (b == ' ') {
                encoded += '_';
            } else if (b >= 0x21 && b <= 0x7e && b != '=' && b != '?' && b != '_') {
                encoded += static_cast<char>(b);
            } else {
                char hex[4];
                std::snprintf(hex, sizeof hex, "=%02X", b);
                encoded += hex;
            }
        }
        if (word.size() + encoded.size() > kMaxWord) flush();
        word += encoded;
        i += length;
    }
    flush();
    return out;
}

std::string quoted_printable(std::string_view text) {
    constexpr std::size_t kLine = 76;
    std::string out, line;
    auto emit = [&](const std::string& piece) {
        if (line.size() + piece.size() > kLine - 1) {
            out += line + "=\r\n";
            line.clear();
        }
        line += piece;
    };
    auto hex = [](unsigned char b) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "=%02X", b);
        return std::string(buf);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto b = static_cast<unsigned char>(text[i]);
        if (b == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
        if (b == '\n') {
            // A blank before a line end would be lost in transit, so it is encoded.
            if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
                unsigned char blank = static_cast<unsigned char>(line.back());
                line.pop_back();
                emit(hex(blank));
            }
            out += line + "\r\n";
            line.clear();
            continue;
        }
        bool literal = (b >= 0x21 && b <= 0x7e && b != '=') || b == ' ' || b == '\t';
        emit(literal ? std::string(1, static_cast<char>(b)) : hex(b));
    }
    if (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        unsigned char blank = static_cast<unsigned char>(line.back());
        line.pop_back();
        emit(hex(blank));
    }
    return out + line;
}

std::string random_boundary() {
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::string out;
    char buf[3];
    for (int i = 0; i < 30; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned>(random() & 0xff));
        out += buf;
    }
    return out;
}

}  // namespace stackwatch::notify::mime
