#include "ruler/notify/templates.hpp"

#include <fcntl.h>
#include <glob.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace stackwatch::notify {
namespace {

// Go's syscall errors read as strerror's, lower-cased: "open x: permission denied".
std::string errno_text(int error) {
    std::string text = std::strerror(error);
    if (!text.empty())
        text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

// os.ReadFile: a directory or an unreadable file is an error of its own.
std::string read_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open " + path + ": " + errno_text(errno));
    std::string text;
    char buffer[65536];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
        text.append(buffer, static_cast<std::size_t>(n));
    int error = errno;
    ::close(fd);
    if (n < 0) throw std::runtime_error("read " + path + ": " + errno_text(error));
    return text;
}

// One range end of a character class, as Go's filepath.getEsc: false when malformed.
bool class_char(const std::string& p, std::size_t& i) {
    if (i >= p.size() || p[i] == '-' || p[i] == ']') return false;
    if (p[i] == '\\' && ++i >= p.size()) return false;
    ++i;
    while (i < p.size() && (static_cast<unsigned char>(p[i]) & 0xC0) == 0x80) ++i;
    return i < p.size();
}

// filepath.Glob rejects what filepath.Match cannot parse, which glob(3) would take literally.
bool valid_go_pattern(const std::string& p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '\\') {
            if (++i >= p.size()) return false;
        } else if (p[i] == '[') {
            ++i;
            if (i < p.size() && p[i] == '^') ++i;
            for (int ranges = 0; i >= p.size() || p[i] != ']' || ranges == 0; ++ranges) {
                if (!class_char(p, i)) return false;
                if (p[i] == '-' && !class_char(p, ++i)) return false;
            }
        }
    }
    return true;
}

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    for (std::size_t start = 0, slash; start <= path.size(); start = slash + 1) {
        slash = std::min(path.find('/', start), path.size());
        out.push_back(path.substr(start, slash - start));
    }
    return out;
}

// GLOB_PERIOD lets a wildcard match a leading dot, as Go's does, but also "." and "..", which the
// directory listing behind Go's Glob never yields.
bool wildcard_dot_entry(const std::string& pattern, const std::string& path) {
    auto wanted = components(pattern);
    auto found = components(path);
    for (std::size_t i = 0; i < found.size() && i < wanted.size(); ++i)
        if ((found[i] == "." || found[i] == "..") && wanted[i] != found[i]) return true;
    return false;
}

// Go's Glob: sorted, and a wildcard matches a leading dot too.
std::vector<std::string> expand(const std::string& pattern) {
    if (!valid_go_pattern(pattern)) throw std::runtime_error("syntax error in pattern");
    glob_t matches{};
    int status = ::glob(pattern.c_str(), GLOB_PERIOD, nullptr, &matches);
    std::vector<std::string> paths;
    for (std::size_t i = 0; status == 0 && i < matches.gl_pathc; ++i)
        if (!wildcard_dot_entry(pattern, matches.gl_pathv[i]))
            paths.emplace_back(matches.gl_pathv[i]);
    ::globfree(&matches);
    return paths;
}

tmpl::FunctionMap build_alertmanager_functions() {
    tmpl::FunctionMap functions = tmpl::builtin_functions();
    // The same Go functions Prometheus offers.
    for (const char* name : {"toUpper", "toLower", "match", "safeHtml", "reReplaceAll"})
        functions[name] = tmpl::prometheus_functions().at(name);
    // Alertmanager's title is cases.Title, which lower-cases the rest of each word, unlike
    // Prometheus's strings.Title; join and stringSlice take and make []string.
    for (const char* name : {"title", "join", "stringSlice"})
        functions[name] = [function = std::string(name)](
                              const std::vector<tmpl::Value>&,
                              const tmpl::FunctionContext&) -> tmpl::Value {
            throw tmpl::CallError(function + " is not supported yet");
        };
    return functions;
}

}  // namespace

const tmpl::FunctionMap& alertmanager_functions() {
    static const auto functions = build_alertmanager_functions();
    return functions;
}

tmpl::TemplateSet load_templates(const std::vector<std::string>& globs) {
    tmpl::TemplateSet set(alertmanager_functions());
    for (const auto& pattern : globs) {
        for (const auto& path : expand(pattern))
            set.add(std::filesystem::path(path).filename().string(), read_file(path));
    }
    return set;
}

}  // namespace stackwatch::notify
