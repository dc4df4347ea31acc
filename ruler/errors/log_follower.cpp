#include "ruler/errors/log_follower.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "common/logging.hpp"
#include "common/thread_name.hpp"
#include "common/xxhash.hpp"
#include "ruler/errors/error_json.hpp"

namespace stackwatch::errors {
namespace {

constexpr std::size_t kLinesPerIntake = 1000;
constexpr std::size_t kMaxLineBytes = 1 << 20;

int level_rank(const std::string& level) {
    static const std::vector<std::string> order = {"debug", "info", "warning", "error", "fatal"};
    auto it = std::find(order.begin(), order.end(), level);
    return it == order.end() ? 3 : static_cast<int>(it - order.begin());
}

struct Identity {
    std::uint64_t device = 0, inode = 0, size = 0;
};

std::optional<Identity> identity_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return Identity{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                    static_cast<std::uint64_t>(st.st_size)};
}

// After a restart the file last read may have been rotated away: a sibling (error.log.1, ...)
// with its identity is the rest of it.
std::string path_with_identity(const std::string& path, std::uint64_t device, std::uint64_t inode) {
    auto here = identity_of(path);
    if (here && here->device == device && here->inode == inode) return path;
    std::error_code ec;
    auto dir = std::filesystem::path(path).parent_path();
    auto name = std::filesystem::path(path).filename().string();
    for (const auto& entry : std::filesystem::directory_iterator(dir.empty() ? "." : dir, ec)) {
        if (!entry.path().filename().string().starts_with(name)) continue;
        auto other = identity_of(entry.path().string());
        if (other && other->device == device && other->inode == inode) return entry.path().string();
    }
    return "";
}

}  // namespace

std::vector<LogFileConfig> parse_log_files(const ConfigNode& node) {
    std::vector<LogFileConfig> files;
    for (const auto& item : node.items()) {
        item.require_map();
        item.allow_keys({"path", "service", "min_level"});
        LogFileConfig file{item.require_string("path"), item.get_string("service", ""),
                           item.get_string("min_level", "warning")};
        auto level = normalize_level(file.min_level);
        if (level.empty())
            item["min_level"].fail("must be one of debug, info, warning, error, fatal");
        file.min_level = level;
        files.push_back(std::move(file));
    }
    return files;
}

LogFollower::LogFollower(ErrorTracker& tracker, const std::string& state_path,
                         std::chrono::milliseconds poll)
    : tracker_(tracker), db_(state_path), poll_(poll) {
    db_.exec(
        "CREATE TABLE IF NOT EXISTS error_log_positions (path TEXT PRIMARY KEY, device INTEGER "
        "NOT NULL, inode INTEGER NOT NULL, offset INTEGER NOT NULL)");
    auto& s = db_.cached("SELECT path, device, inode, offset FROM error_log_positions");
    while (s.step())
        positions_[s.text(0)] = {static_cast<std::uint64_t>(s.integer(1)),
                                 static_cast<std::uint64_t>(s.integer(2)),
                                 static_cast<std::uint64_t>(s.integer(3))};
    thread_ = std::thread([this] { run(); });
}

LogFollower::~LogFollower() {
    stop();
}

void LogFollower::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void LogFollower::set_files(std::vector<LogFileConfig> files) {
    {
        std::lock_guard lock(mutex_);
        files_ = std::move(files);
    }
    wake_.notify_all();
}

void LogFollower::save(const std::string& path, const Position& position) {
    db_.cached(
           "INSERT OR REPLACE INTO error_log_positions (path, device, inode, offset) VALUES (?, ?, "
           "?, ?)")
        .bind(1, path)
        .bind(2, static_cast<std::int64_t>(position.device))
        .bind(3, static_cast<std::int64_t>(position.inode))
        .bind(4, static_cast<std::int64_t>(position.offset))
        .run();
}

void LogFollower::run() {
    name_this_thread("log-follower");
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        auto files = files_;
        lock.unlock();
        for (const auto& file : files) {
            try {
                follow(file);
            } catch (const std::exception& e) {
                log::error("following a log file failed",
                           {{"path", file.path}, {"error", e.what()}});
            }
        }
        lock.lock();
        wake_.wait_for(lock, poll_, [this] { return stopping_; });
    }
}

void LogFollower::follow(const LogFileConfig& file) {
    for (int rotations = 0; rotations < 8; ++rotations) {
        auto current = identity_of(file.path);
        auto& position = positions_[file.path];
        if (position.inode == 0) {
            if (!current) return;  // not there yet
            position = {current->device, current->inode, 0};
        }
        auto reading = path_with_identity(file.path, position.device, position.inode);
        if (reading.empty()) {
            // The file we were in is gone entirely: what it still held is lost to us.
            if (!current) return;
            log::warn("a followed log file was removed before it was read to its end",
                      {{"path", file.path}, {"offset", position.offset}});
            position = {current->device, current->inode, 0};
            reading = file.path;
        }
        auto size = identity_of(reading).value_or(Identity{}).size;
        if (size < position.offset) position.offset = 0;  // truncated: it starts again
        position.offset = read_lines(file, reading, position);
        save(file.path, position);
        // Rotated: the old file is read to its end, so the new one starts from its beginning.
        bool rotated =
            current && (current->device != position.device || current->inode != position.inode);
        if (!rotated) return;
        if (identity_of(reading).value_or(Identity{}).size > position.offset) return;  // more later
        position = {current->device, current->inode, 0};
    }
}

std::uint64_t LogFollower::read_lines(const LogFileConfig& file, const std::string& path,
                                      Position position) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return position.offset;
    std::string pending;
    std::uint64_t offset = position.offset, consumed = position.offset;
    std::vector<ErrorEvent> events;
    auto flush = [&] {
        if (events.empty()) return true;
        auto result = tracker_.ingest(std::move(events), "log");
        events.clear();
        return result.status == IntakeStatus::stored;
    };
    char buffer[65536];
    bool ok = true;
    while (ok) {
        auto n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(offset));
        if (n <= 0) break;
        offset += static_cast<std::uint64_t>(n);
        pending.append(buffer, static_cast<std::size_t>(n));
        std::size_t start = 0, end = 0;
        while ((end = pending.find('\n', start)) != std::string::npos) {
            std::string_view line(pending.data() + start, end - start);
            const auto line_offset = consumed;
            consumed += end - start + 1;
            start = end + 1;
            auto value = nlohmann::json::parse(line, nullptr, false);
            if (value.is_discarded() || !value.is_object()) continue;  // not a JSON log line
            try {
                auto event =
                    event_from_json(value, path + "@" + std::to_string(line_offset), Clock::now());
                if (level_rank(event.level) < level_rank(file.min_level)) continue;
                // The same line at the same place is the same occurrence; after a truncation
                // another line at that offset is not.
                char id[24];
                std::snprintf(
                    id, sizeof id, "log-%016llx",
                    static_cast<unsigned long long>(xxhash64(
                        std::to_string(position.device) + ":" + std::to_string(position.inode) +
                        ":" + std::to_string(line_offset) + ":" + std::string(line))));
                event.id = id;
                if (event.service.empty()) event.service = file.service;
                events.push_back(std::move(event));
            } catch (const InvalidError& e) {
                log::debug("log line is not an error", {{"path", path}, {"error", e.what()}});
            }
            if (events.size() >= kLinesPerIntake && !(ok = flush())) break;
        }
        pending.erase(0, start);
        if (pending.size() > kMaxLineBytes) {  // a line without end: skip what there is of it
            consumed += pending.size();
            pending.clear();
        }
    }
    ::close(fd);
    // Only what was stored counts as read: a refused intake is read again next time.
    if (!ok || !flush()) return position.offset;
    return consumed;
}

}  // namespace stackwatch::errors
