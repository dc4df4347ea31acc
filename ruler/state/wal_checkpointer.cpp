#include "ruler/state/wal_checkpointer.hpp"

#include "common/thread_name.hpp"

namespace stackwatch::ruler::sqlite {
namespace {

// A PASSIVE checkpoint of `path` through a connection of its own, opened for it: a cached one
// would checkpoint the old inode of a file deleted and made again at the same path.
bool checkpoint_passively(const std::string& path) {
    sqlite3* db = nullptr;
    bool ok = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK;
    if (ok) {
        sqlite3_busy_timeout(db, 1000);
        // A new connection learns that the file is in WAL mode only when it first reads it;
        // before that a checkpoint does nothing and says so with -1 frames.
        ok = sqlite3_exec(db, "PRAGMA journal_mode", nullptr, nullptr, nullptr) == SQLITE_OK &&
             sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
                 SQLITE_OK;
    }
    sqlite3_close(db);
    return ok;
}

}  // namespace

WalCheckpointer& WalCheckpointer::instance() {
    static auto* checkpointer = new WalCheckpointer;
    return *checkpointer;
}

void WalCheckpointer::committed(const std::string& path, sqlite3* db, int pages) {
    if (pages < kCheckpointPages) return;
    std::unique_lock lock(mutex_);
    if (pages < kInlinePages) {
        auto [asked, fresh] = asked_at_.try_emplace(path, pages);
        // Again only once another kCheckpointPages came, or the log started again.
        if (!fresh && pages >= asked->second && pages < asked->second + kCheckpointPages) return;
        asked->second = pages;
        if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
        due_.insert(path);
        wake_.notify_one();
        return;
    }
    // Only one checkpoint of a file runs at a time (another gets SQLITE_BUSY at once), so the
    // thread's is let finish and no new one starts until this restart is done.
    idle_.wait(lock, [&] { return running_ != path; });
    inline_.insert(path);
    lock.unlock();
    sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
    lock.lock();
    inline_.erase(path);
}

long long WalCheckpointer::checkpoints() const {
    std::lock_guard lock(mutex_);
    return checkpoints_;
}

void WalCheckpointer::run() {
    name_this_thread("wal-checkpoint");
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return !due_.empty(); });
        auto path = std::move(due_.extract(due_.begin()).value());
        if (inline_.contains(path)) continue;  // being restarted anyway
        running_ = path;
        lock.unlock();
        bool done = checkpoint_passively(path);
        lock.lock();
        running_.clear();
        idle_.notify_all();
        if (done) ++checkpoints_;
    }
}

}  // namespace stackwatch::ruler::sqlite
