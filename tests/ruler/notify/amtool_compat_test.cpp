// Compares stackwatch-ruler's amtool-compatible commands with Debian's amtool 0.25
// (prometheus-alertmanager): `config routes [show]` and `config routes test` on pseudo-random
// Alertmanager configs and label sets, and `check-config` on a corpus of valid and broken files.
// stdout and the exit code must be amtool's byte for byte. stderr is not compared: amtool writes
// "Warning: --config.file flag overrides the --alertmanager.url." there on every --config.file
// run, and check-config's reasons are Go's messages where ours name file:line and key.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/process.hpp"
#include "tests/support/program.hpp"

namespace fs = std::filesystem;
using namespace stackwatch::test;

namespace {

constexpr const char* kAmtool = "/usr/bin/amtool";
constexpr const char* kRuler = "stackwatch-ruler";

constexpr unsigned kConfigs = 100;
constexpr int kLabelSetsPerConfig = 20;
constexpr int kMaxDepth = 4;  // of child routes below the root
constexpr std::size_t kInFlight = 4;
constexpr auto kRunTimeout = std::chrono::seconds(30);
constexpr int kShownMismatches = 10;

using Lines = std::vector<std::string>;
using Labels = std::vector<std::pair<std::string, std::string>>;

bool amtool_installed() {
    if (fs::exists(kAmtool)) return true;
    BOOST_TEST_MESSAGE("skipped: " << kAmtool
                                   << " is absent (apt-get install prometheus-alertmanager)");
    return false;
}

struct TempDir {
    fs::path path = make_temp_dir("stackwatch-amtool");
    ~TempDir() { remove_dir(path); }
};

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : separator) + items[i];
    return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    std::istringstream in(text);
    while (std::getline(in, part, separator)) parts.push_back(part);
    return parts;
}

std::string last_line(const std::string& text) {
    auto end = text.find_last_not_of('\n');
    if (end == std::string::npos) return "";
    auto newline = text.rfind('\n', end);
    auto start = newline == std::string::npos ? 0 : newline + 1;
    return text.substr(start, end + 1 - start);
}

// ---- Running both programs

struct Outcome {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::vector<char*> c_strings(const std::vector<std::string>& items) {
    std::vector<char*> pointers;
    for (const auto& item : items) pointers.push_back(const_cast<char*>(item.c_str()));
    pointers.push_back(nullptr);
    return pointers;
}

// Runs commands a few at a time, stdout and stderr each to a file of its own, and tallies the
// CPU time every program takes. Not run_program(): it merges the two streams, so amtool's stderr
// warning would end up in the output we compare.
class Runner {
  public:
    explicit Runner(fs::path dir) : dir_(std::move(dir)) {
        // A developer's ~/.config/amtool/config.yml must not change what amtool prints.
        for (char** entry = environ; *entry != nullptr; ++entry)
            if (!std::string_view(*entry).starts_with("HOME=")) env_.emplace_back(*entry);
        env_.push_back("HOME=" + dir_.string());
    }

    std::vector<Outcome> run(const std::vector<std::vector<std::string>>& commands) {
        std::vector<Outcome> outcomes(commands.size());
        std::deque<std::pair<std::size_t, pid_t>> running;
        auto finish_oldest = [&] {
            auto [index, pid] = running.front();
            running.pop_front();
            outcomes[index] = finish(pid, commands[index], index % kInFlight);
        };
        try {
            for (std::size_t i = 0; i < commands.size(); ++i) {
                if (running.size() == kInFlight) finish_oldest();
                running.emplace_back(i, start(commands[i], i % kInFlight));
            }
            while (!running.empty()) finish_oldest();
        } catch (...) {
            for (auto [index, pid] : running) {
                kill(pid, SIGKILL);
                waitpid(pid, nullptr, 0);
            }
            throw;
        }
        return outcomes;
    }

    std::string usage_summary() const {
        std::ostringstream out;
        for (const auto& [program, usage] : usage_)
            out << fs::path(program).filename().string() << " " << usage.runs << " runs, "
                << usage.cpu_seconds << " s CPU (" << 1000 * usage.cpu_seconds / usage.runs
                << " ms each); ";
        return out.str();
    }

  private:
    struct Usage {
        int runs = 0;
        double cpu_seconds = 0;
    };

    fs::path output_file(const char* stream, std::size_t slot) const {
        return dir_ / (std::string(stream) + "-" + std::to_string(slot));
    }

    pid_t start(const std::vector<std::string>& argv, std::size_t slot) {
        std::string out = output_file("out", slot).string();
        std::string err = output_file("err", slot).string();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        // The test binary may block signals for its servers; the children get a clean mask.
        posix_spawnattr_t attributes;
        posix_spawnattr_init(&attributes);
        sigset_t none;
        sigemptyset(&none);
        posix_spawnattr_setsigmask(&attributes, &none);
        posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
        auto args = c_strings(argv);
        auto env = c_strings(env_);
        pid_t pid = -1;
        int rc = posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
        posix_spawnattr_destroy(&attributes);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot run " + argv[0] + ": " + std::strerror(rc));
        return pid;
    }

    Outcome finish(pid_t pid, const std::vector<std::string>& argv, std::size_t slot) {
        int status = 0;
        rusage usage{};
        bool timed_out = false;
        auto deadline = std::chrono::steady_clock::now() + kRunTimeout;
        for (;;) {
            pid_t done = wait4(pid, &status, WNOHANG, &usage);
            if (done == pid) break;
            if (done < 0 && errno != EINTR)
                throw std::runtime_error("wait4: " + std::string(std::strerror(errno)));
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid, SIGKILL);
                wait4(pid, &status, 0, &usage);
                timed_out = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        auto seconds = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6;
        };
        Usage& tally = usage_[argv[0]];
        tally.runs++;
        tally.cpu_seconds += seconds(usage.ru_utime) + seconds(usage.ru_stime);
        Outcome outcome{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
                        read_file(output_file("out", slot)), read_file(output_file("err", slot))};
        if (timed_out) outcome.err += "\n[killed: still running after 30 s]";
        return outcome;
    }

    fs::path dir_;
    std::vector<std::string> env_;
    std::map<std::string, Usage> usage_;
};

struct Pair {
    Outcome amtool;
    Outcome ours;
};

// Every argument list run by amtool and by us, side by side so the two run at the same time.
std::vector<Pair> run_both(Runner& runner, const std::vector<std::vector<std::string>>& arg_lists) {
    std::string ruler = (bin_dir() / kRuler).string();
    std::vector<std::vector<std::string>> commands;
    for (const auto& args : arg_lists) {
        for (const std::string& program : {std::string(kAmtool), ruler}) {
            commands.push_back({program});
            commands.back().insert(commands.back().end(), args.begin(), args.end());
        }
    }
    auto outcomes = runner.run(commands);
    std::vector<Pair> pairs;
    for (std::size_t i = 0; i < outcomes.size(); i += 2)
        pairs.push_back({outcomes[i], outcomes[i + 1]});
    return pairs;
}

// ---- Reporting mismatches

std::string visible(std::string_view text) {
    std::string out;
    for (char c : text) out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : std::string(1, c);
    return out;
}

std::string shell_quote(const std::string& arg) {
    if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-=.,/:") == std::string::npos)
        return arg;
    bool control = arg.find_first_of("\n\t") != std::string::npos;
    std::string out = control ? "$'" : "'";
    for (char c : arg) {
        if (c == '\'')
            out += control ? "\\'" : "'\\''";
        else if (control && c == '\\')
            out += "\\\\";
        else if (control && (c == '\n' || c == '\t'))
            out += visible(std::string(1, c));
        else
            out += c;
    }
    return out + "'";
}

std::string first_difference(const std::string& theirs, const std::string& ours) {
    std::size_t at = 0;
    while (at < theirs.size() && at < ours.size() && theirs[at] == ours[at]) ++at;
    if (at == theirs.size() && at == ours.size()) return "stdout is the same";
    return "stdout differs at byte " + std::to_string(at) + ": amtool \"" +
           visible(std::string_view(theirs).substr(at, 40)) + "\", ours \"" +
           visible(std::string_view(ours).substr(at, 40)) + "\"";
}

// Everything a developer needs to rerun a case: the command, the config, both outputs.
std::string describe(const std::vector<std::string>& args, const std::string& config_name,
                     const std::string& config, const Pair& pair) {
    std::vector<std::string> quoted;
    for (const auto& arg : args) quoted.push_back(shell_quote(arg));
    std::ostringstream out;
    out << "stackwatch-ruler differs from amtool on: amtool " << join(quoted, " ") << "\n"
        << first_difference(pair.amtool.out, pair.ours.out) << "\n";
    if (!config_name.empty())
        out << "--- " << config_name << " (its directory is removed after the test):\n" << config;
    for (const auto& [program, outcome] :
         {std::pair("amtool", &pair.amtool), std::pair("stackwatch-ruler", &pair.ours)}) {
        out << "--- " << program << " stdout, exit " << outcome->exit_code << ":\n" << outcome->out;
        out << "--- " << program << " stderr:\n" << outcome->err;
    }
    return out.str();
}

// Counts the compared cases and reports the first mismatches in full: before the commands exist
// every case differs, and a thousand copies of the same report help no one.
class Mismatches {
  public:
    void expect(bool same, const std::function<std::string()>& report) {
        ++cases_;
        if (same) return;
        if (++count_ <= kShownMismatches) BOOST_ERROR(report());
    }
    void finish(const std::string& what) const {
        BOOST_TEST_MESSAGE(what << ": compared " << cases_ << " cases with amtool, " << count_
                                << " differ");
        BOOST_TEST(
            count_ == 0,
            count_ << " of " << cases_ << " " << what << " cases differ from amtool"
                   << (count_ > kShownMismatches ? " (the first ones are shown above)" : ""));
    }

  private:
    int cases_ = 0;
    int count_ = 0;
};

bool same_output(const Pair& pair) {
    return pair.amtool.exit_code == pair.ours.exit_code && pair.amtool.out == pair.ours.out;
}

// ---- Deterministic randomness

// Every choice goes through here rather than <random>'s distributions, whose results differ
// between standard libraries: a seed must name the same config everywhere.
class Random {
  public:
    explicit Random(unsigned seed) : engine_(seed) {}
    int between(int low, int high) {
        return low + static_cast<int>(engine_() % static_cast<unsigned>(high - low + 1));
    }
    bool chance(int percent) { return between(0, 99) < percent; }
    template <typename T>
    const T& pick(const std::vector<T>& items) {
        return items[static_cast<std::size_t>(between(0, static_cast<int>(items.size()) - 1))];
    }
    template <typename T>
    void shuffle(std::vector<T>& items) {
        for (int i = static_cast<int>(items.size()) - 1; i > 0; --i)
            std::swap(items[static_cast<std::size_t>(i)],
                      items[static_cast<std::size_t>(between(0, i))]);
    }

  private:
    std::mt19937 engine_;
};

// ---- YAML text

// Plain (unquoted) only where every YAML reader agrees it is that string. Numbers and booleans
// stay in: amtool reads label values as the raw scalar text ("1.50", "true"), and so must we.
bool plain_safe(const std::string& s) {
    static const std::set<std::string> kNulls = {"~", "null", "Null", "NULL"};
    if (s.empty() || kNulls.contains(s) || !std::isalnum(static_cast<unsigned char>(s[0])))
        return false;
    if (s.back() == ' ' || s.back() == ':' || s.find(": ") != std::string::npos ||
        s.find(" #") != std::string::npos)
        return false;
    for (unsigned char c : s)
        if (c < 0x80 && !std::isalnum(c) &&
            std::string_view(" _.:/=!~\"|*+-()").find(static_cast<char>(c)) ==
                std::string_view::npos)
            return false;
    return true;
}

std::string single_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? "''" : std::string(1, c);
    return out + "'";
}

std::string double_quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\t')
            out += "\\t";
        else
            out += (c == '\\' || c == '"' ? "\\" : "") + std::string(1, c);
    }
    return out + "\"";
}

std::string yaml_scalar(const std::string& s, Random& random) {
    int style = random.between(0, 2);
    if (style == 0 && plain_safe(s)) return s;
    if (style <= 1 && s.find_first_of("\n\t") == std::string::npos) return single_quoted(s);
    return double_quoted(s);
}

// One key of a mapping, written "key: value" when `block` is empty, else as a block under "key:".
struct Entry {
    std::string key;
    std::string inline_value;
    Lines block;
    bool indentless = false;  // a block sequence at its key's own indentation, which YAML allows
};

Entry scalar_entry(std::string key, std::string value) {
    return {std::move(key), std::move(value), {}, false};
}

Lines mapping_lines(const std::vector<Entry>& entries) {
    Lines lines;
    for (const auto& entry : entries) {
        if (entry.block.empty()) {
            lines.push_back(entry.key + ": " + entry.inline_value);
            continue;
        }
        lines.push_back(entry.key + ":");
        for (const auto& line : entry.block) lines.push_back((entry.indentless ? "" : "  ") + line);
    }
    return lines;
}

std::string flow_mapping(const std::vector<Entry>& entries) {
    std::vector<std::string> items;
    for (const auto& entry : entries) items.push_back(entry.key + ": " + entry.inline_value);
    return "{" + join(items, ", ") + "}";
}

Lines list_item(const Lines& mapping) {
    if (mapping.empty()) return {"- {}"};
    Lines lines;
    for (std::size_t i = 0; i < mapping.size(); ++i)
        lines.push_back((i == 0 ? "- " : "  ") + mapping[i]);
    return lines;
}

std::string indented(const Lines& lines, int spaces) {
    std::string out;
    for (const auto& line : lines)
        out += std::string(static_cast<std::size_t>(spaces), ' ') + line + "\n";
    return out;
}

// `items` are YAML scalars already; plain_safe() keeps them valid in flow context too.
Entry sequence_entry(std::string key, const std::vector<std::string>& items, bool flow,
                     Random& random) {
    Entry entry{std::move(key), "", {}, random.chance(30)};
    if (flow || items.empty())
        entry.inline_value = "[" + join(items, ", ") + "]";
    else
        for (const auto& item : items) entry.block.push_back("- " + item);
    return entry;
}

Entry map_entry(std::string key, const Labels& pairs, bool flow) {
    Entry entry = scalar_entry(std::move(key), "");
    std::vector<std::string> items;
    for (const auto& [name, value] : pairs) items.push_back(name + ": " + value);
    if (flow)
        entry.inline_value = "{" + join(items, ", ") + "}";
    else
        entry.block = items;
    return entry;
}

// ---- Label matchers

const std::vector<std::string> kLabelNames = {"service", "team", "severity", "env", "instance"};

// Values meant to trip parsers: spaces, commas, quotes, backslashes, a line feed, a tab, UTF-8,
// and words YAML would read as numbers or booleans were the target not a string.
const std::map<std::string, std::vector<std::string>> kLabelValues = {
    {"service", {"api", "db", "web", "api gw", "cache,primary"}},
    {"team", {"core", "infra", "ops \"blue\"", "zürich"}},
    {"severity", {"critical", "warning", "info", "true"}},
    {"env", {"prod", "staging", "1.50", "two\nlines"}},
    {"instance", {"host-1:9100", "host-2:9100", "C:\\srv", "200\tok"}},
};

const std::vector<std::string>& values_of(const std::string& name) {
    return kLabelValues.at(name);
}

enum class Op { equal, not_equal, regex, not_regex };

const char* op_text(Op op) {
    switch (op) {
        case Op::equal:
            return "=";
        case Op::not_equal:
            return "!=";
        case Op::regex:
            return "=~";
        case Op::not_regex:
            return "!~";
    }
    return "?";
}

struct Matcher {
    std::string name;
    Op op;
    std::string value;                   // the pattern for the regex ops
    std::optional<std::string> witness;  // a value that satisfies it, for the positive ops
};

std::string regex_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (std::string_view("\\.+*?()|[]{}^$").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

// At most n leading ASCII characters: a cut through a UTF-8 sequence is a config amtool rejects.
std::string ascii_prefix(const std::string& s, int n) {
    std::string out;
    for (char c : s) {
        if ((c & 0x80) != 0 || static_cast<int>(out.size()) == n) break;
        out += c;
    }
    return out;
}

// RE2 syntax that ECMAScript-style engines spell differently or not at all is in on purpose:
// (?i), \d, and '.' not matching a line feed.
Matcher regex_matcher(Random& random, const std::string& name, Op op) {
    std::string target = random.pick(values_of(name));
    std::string pattern;
    switch (random.between(0, 6)) {
        case 0:
            pattern = regex_escape(target) + "|" + regex_escape(random.pick(values_of(name)));
            break;
        case 1:
            pattern = regex_escape(ascii_prefix(target, random.between(1, 3))) + ".*";
            break;
        case 2:
            pattern = ".*";
            break;
        case 3:
            pattern = ".+";
            break;
        case 4:
            pattern = "(?i)";
            for (char c : regex_escape(target))
                pattern += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            break;
        case 5:
            pattern = "[" + target.substr(0, 1) + "-z].+";
            break;
        default:
            for (char c : regex_escape(target)) {
                if (!std::isdigit(static_cast<unsigned char>(c))) {
                    pattern += c;
                } else if (!pattern.ends_with("\\d+")) {
                    pattern += "\\d+";  // a run of digits
                }
            }
            if (pattern == regex_escape(target)) pattern += "\\d*";
    }
    return {name, op, pattern, op == Op::regex ? std::optional(target) : std::nullopt};
}

Matcher random_matcher(Random& random) {
    const std::string& name = random.pick(kLabelNames);
    int kind = random.between(0, 99);
    if (kind < 45) {
        std::string value = random.chance(8) ? "" : random.pick(values_of(name));
        return {name, Op::equal, value, value};
    }
    if (kind < 60) return {name, Op::not_equal, random.pick(values_of(name)), std::nullopt};
    return regex_matcher(random, name, kind < 85 ? Op::regex : Op::not_regex);
}

// A value as labels.ParseMatcher reads it: bare when nothing in it would be trimmed, split or
// unescaped, else quoted with OpenMetrics escapes, sometimes keeping a backslash that escapes
// nothing as a lone one (amtool reads both the same).
std::string matcher_value_text(const std::string& value, Random& random) {
    bool bare_ok = value.find_first_of("\"\\,{}\n") == std::string::npos &&
                   (value.empty() || (!std::isspace(static_cast<unsigned char>(value.front())) &&
                                      !std::isspace(static_cast<unsigned char>(value.back())) &&
                                      value.front() != '=' && value.front() != '~'));
    if (bare_ok && random.chance(50)) return value;
    std::string text = "\"";
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '"') {
            text += "\\\"";
        } else if (c == '\n') {
            text += "\\n";
        } else if (c == '\\') {
            char next = i + 1 < value.size() ? value[i + 1] : '"';  // the closing quote
            bool lone_ok = next != 'n' && next != '"' && next != '\\';
            text += lone_ok && random.chance(50) ? "\\" : "\\\\";
        } else {
            text += c;
        }
    }
    return text + "\"";
}

std::string matcher_text(const std::string& name, Op op, const std::string& value, Random& random) {
    std::string pad = random.chance(15) ? " " : "";
    return name + pad + op_text(op) + pad + matcher_value_text(value, random);
}

// One string of a `matchers:` list. labels.ParseMatchers trims one '{' and one '}' at the very
// ends, each on its own, and a trailing comma; padding goes only where it is trimmed too.
std::string matchers_string(const std::vector<Matcher>& group, Random& random) {
    std::vector<std::string> texts;
    for (const auto& m : group) texts.push_back(matcher_text(m.name, m.op, m.value, random));
    std::string body = join(texts, random.pick(std::vector<std::string>{",", ", ", " ,"}));
    if (random.chance(15)) body += ",";
    bool open = random.chance(40);
    bool close = open ? !random.chance(10) : random.chance(5);
    if (!open && !close && random.chance(20)) body = " " + body + " ";
    return (open ? "{" : "") + body + (close ? "}" : "");
}

// ---- Generated configs

// One route as a label set can aim at it: labels that satisfy the matchers from the root down,
// and the receiver the route has or inherits.
struct Target {
    Labels labels;
    std::string receiver;
};

struct GeneratedConfig {
    std::string yaml;
    fs::path path;
    std::vector<std::string> receivers;
    std::vector<Target> targets;  // one per route
};

const std::vector<std::string> kDurations = {"0s",    "10s", "30s", "1m", "5m",
                                             "1h30m", "4h",  "2d",  "1w"};

class ConfigGenerator {
  public:
    explicit ConfigGenerator(unsigned seed) : random_(seed) {}

    GeneratedConfig generate() {
        GeneratedConfig config;
        for (int i = random_.between(2, 6); i > 0; --i)
            config.receivers.push_back("r" + std::to_string(config.receivers.size()));
        receivers_ = config.receivers;
        time_intervals_ = random_.chance(20);
        Lines root = route(0, {}, false, config.targets);
        std::vector<std::string> sections = {"route:\n" + indented(root, 2), receivers_section()};
        if (random_.chance(20))
            sections.push_back("global:\n  resolve_timeout: " + random_.pick(kDurations) + "\n");
        if (random_.chance(20))
            sections.push_back(
                "inhibit_rules:\n  - source_matchers: ['severity=\"critical\"']\n"
                "    target_matchers: ['severity=~\"warning|info\"']\n    equal: [service]\n");
        if (time_intervals_)
            sections.push_back(
                "time_intervals:\n  - name: offhours\n    time_intervals:\n"
                "      - weekdays: ['saturday', 'sunday']\n"
                "      - times: [{start_time: '00:00', end_time: '08:00'}]\n");
        random_.shuffle(sections);
        config.yaml = join(sections, "");
        return config;
    }

    Random& random() { return random_; }

  private:
    std::string receivers_section() {
        std::vector<std::string> names = receivers_;
        random_.shuffle(names);
        std::string text = "receivers:\n";
        for (const auto& name : names) {
            text += "  - name: " + yaml_scalar(name, random_) + "\n";
            if (random_.chance(20))
                text += "    webhook_configs:\n      - url: 'http://127.0.0.1:5001/" + name + "'\n";
        }
        return text;
    }

    // The mapping of one route, its children's included; `targets` gets it and every route below.
    Lines route(int depth, Target target, bool flow, std::vector<Target>& targets) {
        bool root = depth == 0;
        std::vector<Entry> entries;
        if (!root) add_matchers(entries, target.labels, flow);
        if (auto receiver = add_options(entries, root, flow)) target.receiver = *receiver;
        targets.push_back(target);
        // A flow mapping holds no block `routes:`, so flow routes are leaves.
        int children = 0;
        if (root)
            children = random_.between(2, 4);
        else if (!flow && depth < kMaxDepth && random_.chance(depth == 1 ? 50 : 35))
            children = random_.between(1, 3);
        random_.shuffle(entries);
        if (children > 0) {
            Entry routes{"routes", "", {}, random_.chance(30)};
            for (int i = 0; i < children; ++i) {
                for (const auto& line :
                     list_item(route(depth + 1, target, random_.chance(15), targets)))
                    routes.block.push_back(line);
            }
            entries.push_back(routes);
        }
        if (flow) return {flow_mapping(entries)};
        return mapping_lines(entries);
    }

    void add_matchers(std::vector<Entry>& entries, Labels& witnesses, bool flow) {
        std::vector<Matcher> all;
        if (random_.chance(65)) {
            std::vector<std::string> strings;
            for (int i = random_.between(1, 3); i > 0; --i) {
                std::vector<Matcher> group;
                for (int j = random_.chance(70) ? 1 : random_.between(2, 3); j > 0; --j)
                    group.push_back(random_matcher(random_));
                strings.push_back(yaml_scalar(matchers_string(group, random_), random_));
                all.insert(all.end(), group.begin(), group.end());
            }
            entries.push_back(
                sequence_entry("matchers", strings, flow || random_.chance(40), random_));
        }
        for (Op op : {Op::equal, Op::regex}) {
            if (!random_.chance(op == Op::equal ? 25 : 20)) continue;
            std::vector<std::string> names = kLabelNames;
            random_.shuffle(names);
            Labels pairs;
            for (std::size_t i = 0, n = static_cast<std::size_t>(random_.between(1, 2)); i < n;
                 ++i) {
                const std::string& name = names[i];
                Matcher m = op == Op::regex ? regex_matcher(random_, name, op)
                                            : Matcher{name, op, random_.pick(values_of(name)), {}};
                if (op == Op::equal && random_.chance(8)) m.value = "";
                if (op == Op::equal) m.witness = m.value;
                // yaml.v2 reads a null as the empty string where a string is wanted.
                std::string text = m.value.empty() && random_.chance(50)
                                       ? random_.pick(std::vector<std::string>{"~", "null"})
                                       : yaml_scalar(m.value, random_);
                pairs.emplace_back(name, text);
                all.push_back(m);
            }
            entries.push_back(map_entry(op == Op::equal ? "match" : "match_re", pairs,
                                        flow || random_.chance(40)));
        }
        for (const auto& m : all)
            if (m.witness) witnesses.emplace_back(m.name, *m.witness);
    }

    // Receiver, continue, group_by, timers and time intervals: what a route may set or inherit.
    // Returns the receiver when it sets one.
    std::optional<std::string> add_options(std::vector<Entry>& entries, bool root, bool flow) {
        std::optional<std::string> receiver;
        if (root || random_.chance(60)) {
            receiver = random_.pick(receivers_);
            entries.push_back(scalar_entry("receiver", yaml_scalar(*receiver, random_)));
        }
        if (!root && random_.chance(45)) {
            bool on = random_.chance(80);
            // yaml.v2 reads YAML 1.1 booleans: yes/on/no/off count.
            std::vector<std::string> spellings =
                on ? std::vector<std::string>{"true", "true", "true", "True", "yes", "on"}
                   : std::vector<std::string>{"false", "False", "no", "off"};
            entries.push_back(scalar_entry("continue", random_.pick(spellings)));
        } else if (root && random_.chance(5)) {
            entries.push_back(scalar_entry("continue", "false"));
        }
        if (random_.chance(root ? 50 : 25)) {
            std::vector<std::string> labels = {"'...'"};
            if (random_.chance(70)) {
                std::vector<std::string> names = kLabelNames;
                names.push_back("alertname");
                random_.shuffle(names);
                labels.assign(names.begin(), names.begin() + random_.between(1, 3));
            }
            entries.push_back(
                sequence_entry("group_by", labels, flow || random_.chance(60), random_));
        }
        for (const char* timer : {"group_wait", "group_interval", "repeat_interval"}) {
            if (!random_.chance(root ? 40 : 12)) continue;
            std::string duration = random_.pick(kDurations);
            if (duration == "0s" && std::string_view(timer) != "group_wait")
                duration = "15m";  // zero is invalid there
            entries.push_back(scalar_entry(timer, duration));
        }
        if (!root && time_intervals_ && random_.chance(20))
            entries.push_back(
                scalar_entry(random_.chance(50) ? "mute_time_intervals" : "active_time_intervals",
                             "[offhours]"));
        return receiver;
    }

    Random random_;
    std::vector<std::string> receivers_;
    bool time_intervals_ = false;
};

struct LabelSet {
    std::vector<std::string> args;
    std::string aimed_at;  // the receiver of the route the labels were made for
};

// A label set aimed at one route: the witnesses on its path plus noise, so that nested routes
// and `continue` siblings are reached, not only the root.
LabelSet label_set(const GeneratedConfig& config, Random& random) {
    if (random.chance(5)) return {{}, config.targets.front().receiver};
    const Target& target = random.pick(config.targets);
    std::map<std::string, std::string> labels;
    for (const auto& [name, value] : target.labels) labels[name] = value;
    for (const auto& name : kLabelNames)
        if (!labels.contains(name) && random.chance(35))
            labels[name] = random.chance(15) ? "" : random.pick(values_of(name));
    if (random.chance(25)) {  // one label off target, for the near misses
        const std::string& name = random.pick(kLabelNames);
        int how = random.between(0, 2);
        if (how == 0)
            labels.erase(name);
        else
            labels[name] = how == 1 ? "" : random.pick(values_of(name));
    }
    if (random.chance(10)) labels["alertname"] = "HighLatency";
    std::vector<std::string> args;
    for (const auto& [name, value] : labels)
        args.push_back(matcher_text(name, Op::equal, value, random));
    random.shuffle(args);
    if (!labels.empty() && random.chance(5))  // amtool keeps the last of a repeated label
        args.insert(args.begin(), labels.begin()->first + "=overridden");
    return {args, target.receiver};
}

// A near miss of a --verify.receivers value.
std::string near_miss(const std::string& right, const std::vector<std::string>& receivers,
                      Random& random) {
    std::vector<std::string> names = split(right, ',');
    if (names.empty()) names.push_back("");
    std::vector<std::string> candidates = {right + "," + names.front(), right + " ",
                                           names.front() + "X"};
    for (const auto& other : receivers) {
        std::vector<std::string> replaced = names;
        replaced.front() = other;
        candidates.push_back(join(replaced, ","));
    }
    if (names.size() > 1) {
        candidates.push_back(join(std::vector<std::string>(names.rbegin(), names.rend()), ","));
        candidates.push_back(join(std::vector<std::string>(names.begin(), names.end() - 1), ","));
        candidates.push_back(join(names, ", "));
    }
    std::erase(candidates, right);
    return random.pick(candidates);
}

// --verify.receivers for a label set: mostly the receiver it was aimed at, which is right unless
// `continue` siblings or a near miss in the labels route it elsewhere; sometimes a near miss of
// that; sometimes empty, which amtool takes for no check at all.
std::string verify_value(const LabelSet& set, const std::vector<std::string>& receivers,
                         Random& random) {
    int kind = random.between(0, 99);
    if (kind < 10) return "";
    if (kind < 65) return set.aimed_at;
    return near_miss(set.aimed_at, receivers, random);
}

// How the label sets resolved, by amtool's answers: evidence that the generator reaches nested
// routes and `continue` siblings rather than the root alone.
struct Coverage {
    std::map<std::size_t, int> receivers;  // receivers resolved -> label sets
    std::map<std::size_t, int> depth;      // depth of the deepest matching route -> --tree runs
    std::map<int, int> verify;             // exit code -> --verify.receivers runs

    void add(const Outcome& amtool, bool tree, bool verifies) {
        if (verifies) verify[amtool.exit_code]++;
        std::string receivers_line =
            amtool.exit_code == 0 ? last_line(amtool.out)
                                  : last_line(amtool.out.substr(0, amtool.out.rfind("WARNING")));
        receivers[split(receivers_line, ',').size()]++;
        if (!tree) return;
        std::size_t deepest = 0;
        for (const auto& line : split(amtool.out, '\n')) {
            auto branch = line.find("── ");
            if (branch == std::string::npos) continue;
            std::size_t columns = 0;  // code points, as the tree's box characters are 3 bytes each
            for (std::size_t i = 0; i < branch; ++i) columns += (line[i] & 0xC0) != 0x80;
            deepest = std::max(deepest, (columns - 1) / 4);
        }
        depth[deepest]++;
    }

    int count(const std::map<std::size_t, int>& histogram, std::size_t at_least) const {
        int n = 0;
        for (const auto& [key, value] : histogram) n += key >= at_least ? value : 0;
        return n;
    }

    std::string summary() const {
        std::ostringstream out;
        out << "receivers per label set:";
        for (const auto& [n, sets] : receivers) out << " " << n << ":" << sets;
        out << "; depth of the deepest matching route (0 = root's default-route):";
        for (const auto& [d, runs] : depth) out << " " << d << ":" << runs;
        out << "; --verify.receivers runs by amtool's exit code:";
        for (const auto& [code, runs] : verify) out << " " << code << ":" << runs;
        return out.str();
    }
};

// ---- check-config corpus

enum class Verdict { success, failed, template_failed };
// What our FAILED reason must name: the file alone for whole-config checks, file:line for an
// error in one YAML node.
enum class Blame { none, file, line };

struct CorpusFile {
    std::string name;
    std::string yaml;
    Verdict verdict;
    std::string amtool_says;  // a piece of amtool's reason: the file fails for the intended cause
    Blame blame;
};

// The smallest config amtool accepts, with `root` added to its root route, `receivers` listed
// and `rest` at the end: most corpus files differ from it in one place.
std::string config_with(const std::string& root = "", const std::string& rest = "",
                        const std::string& receivers = "  - name: r0\n  - name: r1\n") {
    return "route:\n  receiver: r0\n" + root + "receivers:\n" + receivers + rest;
}

// A `routes:` list under the root with one child, its keys one per line.
std::string child_route(const Lines& keys) {
    return "  routes:\n" + indented(list_item(keys), 4);
}

// Receiver r0 with one notifier of `kind` configured by `keys`.
std::string receiver_with(const std::string& kind, const Lines& keys) {
    return "  - name: r0\n    " + kind + ":\n" + indented(list_item(keys), 6);
}

// A top-level list such as `inhibit_rules:` with one item, its keys one per line.
std::string section_with(const std::string& key, const Lines& keys) {
    return key + ":\n" + indented(list_item(keys), 2);
}

std::string time_interval(const std::string& name, const std::string& weekdays) {
    return indented(list_item({"name: " + name, "time_intervals:", "  - weekdays: " + weekdays}),
                    2);
}

const char* kFullConfig = R"(global:
  resolve_timeout: 5m
  smtp_smarthost: 'smtp.example.com:587'
  smtp_from: 'alertmanager@example.com'
  smtp_auth_username: alertmanager
  smtp_auth_password: secret
  smtp_require_tls: true
  slack_api_url: 'https://hooks.slack.com/services/T000/B000/XXXX'
templates:
  - 'tmpl/notify.tmpl'
  - 'missing/*.tmpl'
route:
  receiver: team-mail
  group_by: ['alertname', 'service']
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - match_re:
        service: ^(api|web)$
      receiver: team-slack
      mute_time_intervals: [offhours]
      routes:
        - match: {env: staging}
          receiver: team-mail
          active_time_intervals: [holidays]
receivers:
  - name: team-mail
    email_configs:
      - to: 'team@example.com'
        send_resolved: true
  - name: team-slack
    slack_configs:
      - channel: '#alerts'
        title: '{{ template "slack.title" . }}'
  - name: pager
    webhook_configs:
      - url: 'http://127.0.0.1:5001/hook'
        max_alerts: 10
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity=~"warning|info"']
    equal: ['service', 'env']
  - source_match: {severity: critical}
    target_match_re: {severity: 'warn.*'}
    equal: [service]
time_intervals:
  - name: offhours
    time_intervals:
      - weekdays: ['saturday', 'sunday']
      - times:
          - start_time: '00:00'
            end_time: '08:00'
        weekdays: ['monday:friday']
  - name: holidays
    time_intervals:
      - days_of_month: ['1', '-1']
        months: ['december', '1:2']
        years: ['2024:2030']
        location: UTC
)";

std::vector<CorpusFile> check_config_corpus() {
    using enum Verdict;
    using enum Blame;
    std::string smarthost =
        "global:\n  smtp_smarthost: 'smtp.example.com:587'\n  smtp_from: 'am@example.com'\n";
    return {
        {"valid-minimal", config_with(), success, "", none},
        {"valid-full", kFullConfig, success, "", none},
        {"templates-glob-matches-nothing", config_with("", "templates: ['nowhere/*.tmpl']\n"),
         success, "", none},
        {"template-broken", config_with("", "templates: ['tmpl/broken.tmpl']\n"), template_failed,
         "unclosed action", none},
        {"empty", "", failed, "no route provided", file},
        {"missing-route", "receivers:\n  - name: r0\n", failed, "no route", file},
        {"route-without-receiver", "route:\n  group_by: [service]\nreceivers:\n  - name: r0\n",
         failed, "root route must specify a default receiver", file},
        {"undefined-receiver",
         config_with(child_route({"matchers: ['service=api']", "receiver: r9"})), failed,
         "undefined receiver \"r9\"", file},
        {"duplicate-receiver", config_with("", "", "  - name: r0\n  - name: r0\n"), failed,
         "notification config name \"r0\" is not unique", file},
        {"root-matchers", config_with("  matchers: ['service=api']\n"), failed,
         "root route must not have any matchers", file},
        {"root-match", config_with("  match: {service: api}\n"), failed,
         "root route must not have any matchers", file},
        {"root-match-re", config_with("  match_re: {service: 'api|web'}\n"), failed,
         "root route must not have any matchers", file},
        {"root-continue", config_with("  continue: true\n"), failed,
         "cannot have continue in root route", file},
        {"bad-matcher-operator", config_with(child_route({"matchers: ['service~=api']"})), failed,
         "bad matcher format", line},
        {"bad-matcher-quote", config_with(child_route({"matchers: ['service=\"a\"b\"']"})), failed,
         "unescaped double quote", line},
        {"bad-matcher-regex", config_with(child_route({"matchers: ['service=~\"(api\"']"})), failed,
         "error parsing regexp", line},
        {"bad-match-re", config_with(child_route({"match_re: {service: '(api'}"})), failed,
         "error parsing regexp", line},
        {"bad-match-label-name", config_with(child_route({"match: {bad-name: api}"})), failed,
         "invalid label name \"bad-name\"", line},
        {"group-by-invalid-label", config_with("  group_by: ['bad-name']\n"), failed,
         "invalid label name \"bad-name\" in group_by list", line},
        {"group-by-duplicate", config_with("  group_by: [team, team]\n"), failed,
         "duplicated label \"team\" in group_by", line},
        {"group-by-wildcard-mixed", config_with("  group_by: ['...', team]\n"), failed,
         "cannot have wildcard group_by", line},
        {"group-interval-zero", config_with("  group_interval: 0s\n"), failed,
         "group_interval cannot be zero", line},
        {"repeat-interval-zero", config_with(child_route({"receiver: r1", "repeat_interval: 0h"})),
         failed, "repeat_interval cannot be zero", line},
        {"bad-duration", config_with("  group_wait: 5 minutes\n"), failed,
         "not a valid duration string", line},
        {"unknown-top-level-key", config_with("", "frobnicate: true\n"), failed,
         "field frobnicate not found", line},
        {"unknown-route-key", config_with(child_route({"recevier: r1"})), failed,
         "field recevier not found", line},
        {"wrong-type-continue", config_with(child_route({"receiver: r1", "continue: maybe"})),
         failed, "into bool", line},
        {"wrong-type-group-by", config_with("  group_by: service\n"), failed, "into []string",
         line},
        {"yaml-syntax", "route:\n  receiver: r0\n   routes: [\nreceivers:\n  - name: r0\n", failed,
         "yaml: line", line},
        {"webhook-without-url",
         config_with("", "", receiver_with("webhook_configs", {"send_resolved: true"})), failed,
         "missing URL in webhook config", line},
        {"webhook-url-without-scheme",
         config_with("", "", receiver_with("webhook_configs", {"url: 'example.com/hook'"})), failed,
         "unsupported scheme", line},
        {"email-without-to",
         smarthost +
             config_with("", "", receiver_with("email_configs", {"from: 'am@example.com'"})),
         failed, "missing to address in email config", line},
        {"email-without-smarthost",
         config_with("", "", receiver_with("email_configs", {"to: 'team@example.com'"})), failed,
         "no global SMTP smarthost set", file},
        {"slack-without-api-url",
         config_with("", "", receiver_with("slack_configs", {"channel: '#alerts'"})), failed,
         "no global Slack API URL set", file},
        {"undefined-time-interval",
         config_with(child_route({"receiver: r1", "mute_time_intervals: [nights]"})), failed,
         "undefined time interval \"nights\"", file},
        {"time-interval-bad-weekday",
         config_with("", "time_intervals:\n" + time_interval("weekends", "[saturday, funday]")),
         failed, "funday", line},
        {"duplicate-time-interval",
         config_with("", "time_intervals:\n" + time_interval("weekends", "[saturday]") +
                             time_interval("weekends", "[sunday]")),
         failed, "time interval \"weekends\" is not unique", file},
        {"inhibit-invalid-label",
         config_with("", section_with("inhibit_rules", {"source_match: {bad-name: critical}",
                                                        "target_match: {severity: warning}"})),
         failed, "invalid label name \"bad-name\"", line},
        {"inhibit-invalid-equal",
         config_with("", section_with("inhibit_rules", {"source_matchers: [severity=critical]",
                                                        "equal: ['bad-name']"})),
         failed, "bad-name", line},
    };
}

// check-config's output with each reason after "FAILED: " cut out (and the lines it runs on to),
// and the reasons by file.
struct CheckReport {
    std::string skeleton;
    std::map<std::string, std::string> reasons;
};

CheckReport parse_check_config(const std::string& out) {
    CheckReport report;
    std::string file;
    std::string* reason = nullptr;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
        if (line.starts_with("Checking '")) {
            auto quote = line.find("'  ", 10);
            file = line.substr(10, quote == std::string::npos ? std::string::npos : quote - 10);
            reason = nullptr;
            if (quote != std::string::npos && line.compare(quote + 3, 8, "FAILED: ") == 0) {
                report.skeleton += "Checking '" + file + "'  FAILED: ...\n";
                reason = &report.reasons[file];
                *reason = line.substr(quote + 11);
                continue;
            }
        } else if (line.starts_with("  FAILED: ")) {  // the templates' verdict
            report.skeleton += "  FAILED: ...\n";
            reason = &report.reasons[file + " templates"];
            *reason = line.substr(10);
            continue;
        } else if (reason != nullptr && !line.empty() && line != "Found:" &&
                   !line.starts_with(" - ")) {
            *reason += "\n" + line;  // Go's yaml errors run over several lines
            continue;
        }
        reason = nullptr;
        report.skeleton += line + "\n";
    }
    if (!out.empty() && !out.ends_with('\n')) report.skeleton += "[no line feed at the end]\n";
    return report;
}

bool names_file_and_line(const std::string& reason, const std::string& path) {
    for (auto at = reason.find(path + ":"); at != std::string::npos;
         at = reason.find(path + ":", at + 1)) {
        std::size_t digit = at + path.size() + 1;
        if (digit < reason.size() && std::isdigit(static_cast<unsigned char>(reason[digit])))
            return true;
    }
    return false;
}

// ---- Label arguments

const char* kLabelArgumentsConfig = R"(route:
  receiver: fallback
  routes:
    - matchers: ['service="api"']
      receiver: api
      continue: true
    - matchers: ['env=""']
      receiver: no-env
      routes:
        - matchers: ['team="ops \"blue\""', 'instance=~"C:\\\\srv|x"']
          receiver: blue
    - match: {alertname: Unrouted}
receivers: [{name: fallback}, {name: api}, {name: no-env}, {name: blue}]
)";

// How `config routes test` reads its label arguments: labels.ParseMatcher, '=' only.
const std::vector<std::vector<std::string>> kLabelArguments = {
    {},
    {"service=api"},
    {"service = api"},
    {"service=\" api \""},
    {"service=\"api\"", "team=core", "env=prod"},
    {"service=api", "service=db"},
    {"service=db", "service=api"},
    {"env="},
    {"env=\"\""},
    {"env=prod", "team=ops \\\"blue\\\"", "instance=C:\\srv"},
    {"env=", "team=\"ops \\\"blue\\\"\"", "instance=\"C:\\\\srv\""},
    {"alertname=Unrouted", "env=prod"},
    {"service=api\nx"},
    {"service!=api"},
    {"service=~api"},
    {"service"},
    {"=api"},
    {"1service=api"},
    {"service=\"api"},
    {"service=a\"b"},
    {"service=\xff"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(amtool_compat)

BOOST_AUTO_TEST_CASE(routes_like_amtool) {
    if (!amtool_installed()) return;
    auto started = std::chrono::steady_clock::now();
    TempDir dir;
    Runner runner(dir.path);

    struct Case {
        std::size_t config;
        std::vector<std::string> args;
        bool tree = false;
        bool verifies = false;
    };
    std::vector<GeneratedConfig> configs;
    std::vector<Case> shows, tests;
    for (unsigned seed = 1; seed <= kConfigs; ++seed) {
        ConfigGenerator generator(seed);
        configs.push_back(generator.generate());
        GeneratedConfig& config = configs.back();
        config.path = dir.path / ("routes-" + std::to_string(seed) + ".yml");
        write_file(config.path, config.yaml);
        std::string file_flag = "--config.file=" + config.path.string();
        std::size_t index = configs.size() - 1;
        std::vector<std::string> show = {"config", "routes", file_flag};
        if (seed % 2 == 0)
            show.insert(show.begin() + 2, "show");  // the default subcommand, spelt out
        shows.push_back({index, show});

        Random& random = generator.random();
        for (int j = 0; j < kLabelSetsPerConfig; ++j) {
            LabelSet set = label_set(config, random);
            Case c{index, {"config", "routes", "test"}, j % 2 == 1, j % 4 >= 2};
            std::vector<std::string> flags = {file_flag};
            if (c.tree) flags.push_back("--tree");
            if (c.verifies)
                flags.push_back("--verify.receivers=" +
                                verify_value(set, config.receivers, random));
            // Flags go before the labels, and now and then after them: kingpin takes both.
            bool flags_last = random.chance(10);
            if (!flags_last) c.args.insert(c.args.end(), flags.begin(), flags.end());
            c.args.insert(c.args.end(), set.args.begin(), set.args.end());
            if (flags_last) c.args.insert(c.args.end(), flags.begin(), flags.end());
            tests.push_back(std::move(c));
        }
    }

    Mismatches mismatches;
    auto run_and_compare = [&](const std::vector<Case>& cases) {
        std::vector<std::vector<std::string>> arg_lists;
        for (const auto& c : cases) arg_lists.push_back(c.args);
        auto pairs = run_both(runner, arg_lists);
        for (std::size_t i = 0; i < cases.size(); ++i) {
            const GeneratedConfig& config = configs[cases[i].config];
            mismatches.expect(same_output(pairs[i]), [&] {
                return describe(cases[i].args, config.path.filename().string(), config.yaml,
                                pairs[i]);
            });
        }
        return pairs;
    };

    auto show_pairs = run_and_compare(shows);
    std::vector<bool> accepted(configs.size());
    for (std::size_t i = 0; i < configs.size(); ++i) {
        bool ok = show_pairs[i].amtool.exit_code == 0;
        accepted[i] = ok;
        BOOST_TEST(ok, "amtool rejects generated config "
                           << configs[i].path.filename().string() << ":\n"
                           << configs[i].yaml << show_pairs[i].amtool.err);
    }
    std::erase_if(tests, [&](const Case& c) { return !accepted[c.config]; });
    auto test_pairs = run_and_compare(tests);

    Coverage coverage;
    for (std::size_t i = 0; i < tests.size(); ++i)
        coverage.add(test_pairs[i].amtool, tests[i].tree, tests[i].verifies);
    auto seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    BOOST_TEST_MESSAGE("config routes: " << configs.size() << " configs, " << tests.size()
                                         << " label sets; " << coverage.summary());
    BOOST_TEST_MESSAGE("config routes: " << runner.usage_summary() << seconds << " s in all");
    // A generator that stopped reaching nested routes, `continue` siblings or both verify
    // outcomes would still pass; these keep it honest.
    int verifies = coverage.verify[0] + coverage.verify[1];
    BOOST_TEST(coverage.count(coverage.receivers, 2) * 10 >= static_cast<int>(tests.size()),
               "under 10% of the label sets reach more than one receiver: " << coverage.summary());
    BOOST_TEST(
        coverage.count(coverage.depth, 2) * 10 >= coverage.count(coverage.depth, 0),
        "under 10% of the --tree runs match a route two levels down: " << coverage.summary());
    BOOST_TEST(std::min(coverage.verify[0], coverage.verify[1]) * 5 >= verifies,
               "under 20% of the --verify.receivers runs pass or fail: " << coverage.summary());
    mismatches.finish("config routes");
}

BOOST_AUTO_TEST_CASE(check_config_like_amtool) {
    if (!amtool_installed()) return;
    TempDir dir;
    Runner runner(dir.path);
    write_file(dir.path / "tmpl/notify.tmpl",
               "{{ define \"slack.title\" }}[{{ .Status | toUpper }}] {{ .CommonLabels.alertname "
               "}}{{ end }}\n");
    write_file(dir.path / "tmpl/broken.tmpl", "{{ define \"broken\" }}{{ .Status \n");

    auto corpus = check_config_corpus();
    std::vector<std::string> paths;
    std::vector<std::vector<std::string>> arg_lists;
    for (const auto& file : corpus) {
        paths.push_back((dir.path / (file.name + ".yml")).string());
        write_file(paths.back(), file.yaml);
        arg_lists.push_back({"check-config", paths.back()});
        arg_lists.push_back({"config", "routes", "--config.file=" + paths.back()});
    }
    std::vector<std::string> all = {"check-config"};
    all.insert(all.end(), paths.begin(), paths.end());
    std::string absent = (dir.path / "absent.yml").string();
    arg_lists.push_back(all);
    // kingpin checks that every file exists before any is read: not even valid-minimal is reported.
    arg_lists.push_back({"check-config", paths.front(), absent});
    arg_lists.push_back({"config", "routes", "--config.file=" + absent});
    auto pairs = run_both(runner, arg_lists);

    Mismatches mismatches;
    auto expect_same_check = [&](const std::vector<std::string>& args, const std::string& name,
                                 const std::string& yaml, const Pair& pair) {
        auto theirs = parse_check_config(pair.amtool.out);
        auto ours = parse_check_config(pair.ours.out);
        mismatches.expect(
            pair.amtool.exit_code == pair.ours.exit_code && theirs.skeleton == ours.skeleton, [&] {
                return describe(args, name, yaml, pair) +
                       "--- compared without the reasons, amtool:\n" + theirs.skeleton +
                       "--- ours:\n" + ours.skeleton;
            });
        return std::pair(theirs, ours);
    };
    auto expect_same_output = [&](const std::vector<std::string>& args, const std::string& name,
                                  const std::string& yaml, const Pair& pair) {
        mismatches.expect(same_output(pair), [&] { return describe(args, name, yaml, pair); });
    };

    for (std::size_t i = 0; i < corpus.size(); ++i) {
        const CorpusFile& file = corpus[i];
        const std::string& path = paths[i];
        BOOST_TEST_CONTEXT(file.name) {
            const Pair& check = pairs[2 * i];
            auto [theirs, ours] =
                expect_same_check(arg_lists[2 * i], file.name + ".yml", file.yaml, check);
            // The corpus must fail in amtool for the cause it stands for, or it tests nothing.
            BOOST_TEST(theirs.reasons.contains(path) == (file.verdict == Verdict::failed),
                       check.amtool.out);
            BOOST_TEST(check.amtool.out.find(file.amtool_says) != std::string::npos,
                       "amtool does not say \"" << file.amtool_says << "\":\n"
                                                << check.amtool.out);
            if (file.blame != Blame::none && ours.reasons.contains(path)) {
                const std::string& reason = ours.reasons[path];
                BOOST_TEST(reason.find(path) != std::string::npos,
                           "our reason does not name the file: " << reason);
                if (file.blame == Blame::line)
                    BOOST_TEST(names_file_and_line(reason, path),
                               "our reason does not name file:line: " << reason);
            }
            expect_same_output(arg_lists[2 * i + 1], file.name + ".yml", file.yaml,
                               pairs[2 * i + 1]);
        }
    }
    std::size_t rest = 2 * corpus.size();
    expect_same_check(arg_lists[rest], "", "", pairs[rest]);
    expect_same_check(arg_lists[rest + 1], "", "", pairs[rest + 1]);
    expect_same_output(arg_lists[rest + 2], "", "", pairs[rest + 2]);
    BOOST_TEST_MESSAGE("check-config: " << corpus.size() << " files; " << runner.usage_summary());
    mismatches.finish("check-config");
}

BOOST_AUTO_TEST_CASE(label_arguments_like_amtool) {
    if (!amtool_installed()) return;
    TempDir dir;
    Runner runner(dir.path);
    fs::path config = dir.path / "labels.yml";
    write_file(config, kLabelArgumentsConfig);
    std::vector<std::vector<std::string>> arg_lists;
    for (const auto& labels : kLabelArguments) {
        for (bool tree : {false, true}) {
            std::vector<std::string> args = {"config", "routes", "test",
                                             "--config.file=" + config.string()};
            if (tree) args.push_back("--tree");
            args.insert(args.end(), labels.begin(), labels.end());
            arg_lists.push_back(args);
        }
    }
    auto pairs = run_both(runner, arg_lists);
    Mismatches mismatches;
    for (std::size_t i = 0; i < pairs.size(); ++i)
        mismatches.expect(same_output(pairs[i]), [&] {
            return describe(arg_lists[i], "labels.yml", kLabelArgumentsConfig, pairs[i]);
        });
    mismatches.finish("config routes test label arguments");
}

BOOST_AUTO_TEST_SUITE_END()
