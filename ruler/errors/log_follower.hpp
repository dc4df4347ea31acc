#pragma once
// Follows JSON-lines log files in the runbook's format (an application's error.log: one
// {"timestamp", "level", "message", "context", ...} per line) as `tail -F` does: across rotation
// (a new file under the name: the old one is read to its end first) and truncation, from where it
// stopped before a restart. Each line's occurrence id is derived from the file's identity, the
// line's offset and its text, so a line read twice (a crash between the commit and saving the
// position) is stored once; positions are saved in the error store's sqlite file after each commit.
//
//   error_tracking:
//     log_files:
//     - {path: /app/logs/error.log, service: api, min_level: error}

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/config.hpp"
#include "ruler/errors/error_tracker.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::errors {

struct LogFileConfig {
    std::string path;
    std::string service;
    std::string min_level = "warning";  // lines below it are skipped
};

// Throws ConfigError naming file:line and the key.
std::vector<LogFileConfig> parse_log_files(const ConfigNode& node);

class LogFollower {
  public:
    LogFollower(ErrorTracker& tracker, const std::string& state_path,
                std::chrono::milliseconds poll = std::chrono::milliseconds(500));
    ~LogFollower();
    LogFollower(const LogFollower&) = delete;
    LogFollower& operator=(const LogFollower&) = delete;

    void set_files(std::vector<LogFileConfig> files);  // on start and reload
    void stop();

  private:
    struct Position {
        std::uint64_t device = 0, inode = 0;
        std::uint64_t offset = 0;
    };
    void run();
    void follow(const LogFileConfig& file);
    // Reads complete lines from `offset`; returns the offset after the last one taken.
    std::uint64_t read_lines(const LogFileConfig& file, const std::string& path, Position position);
    void save(const std::string& path, const Position& position);

    ErrorTracker& tracker_;
    ruler::sqlite::Database db_;
    std::chrono::milliseconds poll_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::vector<LogFileConfig> files_;
    std::map<std::string, Position> positions_;  // by configured path
    std::thread thread_;
};

}  // namespace stackwatch::errors
