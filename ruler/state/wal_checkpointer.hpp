#pragma once
// Checkpoints state files' write-ahead logs on a thread of their own. sqlite's automatic
// checkpoint runs inside the commit that crosses 1000 WAL pages and syncs the database file
// there, so one alert intake in a few waited for a disk flush; here the committing thread only
// asks. Writes faster than a passive checkpoint can follow never let it finish, so past a hard
// limit the committing connection checkpoints and restarts the log itself, waiting as sqlite's
// writers wait: the log stays bounded.

#include <sqlite3.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace stackwatch::ruler::sqlite {

class WalCheckpointer {
  public:
    static constexpr int kCheckpointPages = 1000;  // sqlite's own wal_autocheckpoint default
    static constexpr int kInlinePages = 16 * kCheckpointPages;

    // The one for this process; its thread starts with the first request. It is never
    // destroyed, so a store closing during exit still finds it (an interrupted checkpoint is
    // safe: sqlite redoes it).
    static WalCheckpointer& instance();

    // After a commit through `db` left `pages` frames in the WAL of the file at `path`; from
    // sqlite's WAL hook, with the write lock released.
    void committed(const std::string& path, sqlite3* db, int pages);
    // Checkpoints the thread has completed so far, for tests.
    long long checkpoints() const;

  private:
    WalCheckpointer() = default;
    void run();

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable idle_;  // a checkpoint of the thread's ended
    std::set<std::string> due_;
    // The log's length when each file was last asked for: under a steady stream of commits a
    // passive checkpoint never empties it, and asking after every commit (as sqlite's automatic
    // checkpoint does) rewrote and synced the database for a handful of new pages each time.
    std::map<std::string, int, std::less<>> asked_at_;
    std::set<std::string> inline_;  // restarted by a committing connection right now
    std::string running_;           // the thread's checkpoint in progress, if any
    long long checkpoints_ = 0;
    std::thread thread_;
};

}  // namespace stackwatch::ruler::sqlite
