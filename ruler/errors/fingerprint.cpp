#include "ruler/errors/fingerprint.hpp"

#include <re2/re2.h>

#include <cstdio>

#include "common/xxhash.hpp"

namespace stackwatch::errors {
namespace {

// In order: whole quoted values first, so what they contain is not rewritten piecemeal; long hex
// runs before numbers, so an id is one placeholder and not a mix.
const std::vector<std::pair<std::unique_ptr<RE2>, std::string>>& replacements() {
    static const auto table = [] {
        std::vector<std::pair<std::unique_ptr<RE2>, std::string>> out;
        auto add = [&](const char* pattern, const char* with) {
            out.emplace_back(std::make_unique<RE2>(pattern), with);
        };
        add(R"('[^']*'|"[^"]*"|`[^`]*`)", "<str>");
        add(R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)",
            "<uuid>");
        add(R"(\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b)", "<ip>");
        add(R"([\w.+-]+@[\w-]+(\.[\w-]+)+)", "<email>");
        add(R"(\b0x[0-9a-fA-F]+\b|\b[0-9a-fA-F]{8,}\b)", "<hex>");
        add(R"(\d+(\.\d+)?)", "<n>");
        return out;
    }();
    return table;
}

bool in_app_path(std::string_view file) {
    for (std::string_view marker : {"node_modules", "site-packages", "dist-packages",
                                    "node:", "internal/", "<frozen", "/usr/lib/", "java.", "jdk."})
        if (file.find(marker) != std::string_view::npos) return false;
    return true;
}

const Frame* top_in_app_frame(const std::vector<Frame>& frames) {
    for (const auto& frame : frames)
        if (frame.in_app) return &frame;
    return frames.empty() ? nullptr : &frames.front();
}

std::string path_segment(std::string_view text) {
    std::string out(text.empty() ? "Error" : text);
    for (char& c : out)
        if (c == ':' || c == ' ' || c == '\t' || c == '\n') c = '_';
    return out;
}

}  // namespace

std::string normalize_message(std::string_view message) {
    std::string text(message);
    for (const auto& [pattern, with] : replacements()) RE2::GlobalReplace(&text, *pattern, with);
    return text;
}

std::vector<Frame> parse_stack(std::string_view stack) {
    static const RE2 v8(R"(^\s*at (?:(.+?) \()?(.+?):(\d+)(?::\d+)?\)?\s*$)");
    static const RE2 python(R"re(^\s*File "(.+?)", line (\d+), in (.+?)\s*$)re");
    static const RE2 jvm(R"(^\s*at ([\w$.<>]+)\((.+?)(?::(\d+))?\)\s*$)");
    std::vector<Frame> frames;
    bool python_order = false;
    std::size_t start = 0;
    while (start <= stack.size()) {
        auto end = stack.find('\n', start);
        if (end == std::string_view::npos) end = stack.size();
        re2::StringPiece line(stack.data() + start, end - start);
        std::string function, file;
        int number = 0;
        if (RE2::FullMatch(line, jvm, &function, &file, &number) ||
            RE2::FullMatch(line, v8, &function, &file, &number)) {
            frames.push_back({function, file, number, in_app_path(file)});
        } else if (RE2::FullMatch(line, python, &file, &number, &function)) {
            python_order = true;  // Python prints the most recent call last
            frames.push_back({function, file, number, in_app_path(file)});
        }
        start = end + 1;
    }
    if (python_order) std::reverse(frames.begin(), frames.end());
    return frames;
}

std::string default_fingerprint(const ErrorEvent& event) {
    // Line numbers stay out: they move with every release while the error stays the same.
    std::string key = event.type + '\xff' + normalize_message(event.message) + '\xff';
    if (const Frame* frame = top_in_app_frame(event.frames))
        key += frame->function + '\xff' + frame->file;
    char digest[17];
    std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(xxhash64(key)));
    return path_segment(event.type) + ":" + digest;
}

std::string fingerprint_from_parts(const std::vector<std::string>& parts, const ErrorEvent& event) {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) out += ':';
        std::string trimmed = part;
        trimmed.erase(std::remove(trimmed.begin(), trimmed.end(), ' '), trimmed.end());
        out += trimmed == "{{default}}" ? default_fingerprint(event) : part;
    }
    return out.empty() ? default_fingerprint(event) : out;
}

std::string error_title(const ErrorEvent& event) {
    std::string title = event.type.empty() ? event.message : event.type + ": " + event.message;
    if (auto newline = title.find('\n'); newline != std::string::npos) title.resize(newline);
    if (title.size() > 200) {
        title.resize(197);
        // Not in the middle of a UTF-8 sequence.
        while (!title.empty() && (static_cast<unsigned char>(title.back()) & 0xC0) == 0x80)
            title.pop_back();
        if (!title.empty() && (static_cast<unsigned char>(title.back()) & 0x80)) title.pop_back();
        title += "...";
    }
    return title;
}

}  // namespace stackwatch::errors
