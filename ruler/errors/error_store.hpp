#pragma once
// The error store: occurrences and their groups in sqlite (WAL). Each group keeps its exact count
// and per-minute counts while only the newest `max_events_per_group` occurrences are kept; age
// retention drops occurrences, minute counts and groups not seen since. A batch is one
// transaction: all of it is stored or, on a disk error, none of it.

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ruler/errors/error_event.hpp"
#include "ruler/errors/glob.hpp"
#include "ruler/state/sqlite.hpp"

namespace stackwatch::errors {

struct StoreLimits {
    std::size_t max_events_per_group = 100;
    std::size_t max_bytes = 0;  // the file's largest size (0: the disk's); past it writes fail
};

struct WriteResult {
    std::vector<std::size_t> stored_indexes;  // the others had ids seen before: retries
    std::vector<ErrorGroup> opened;           // fingerprints seen for the first time
    std::vector<ErrorGroup> regressed;        // resolved groups that occurred again
};

struct GroupQuery {
    std::optional<Glob> fingerprint;
    std::optional<GroupStatus> status;
    std::size_t limit = 100;
};

struct CountByKey {
    std::string key;
    std::string title;  // for fingerprints
    std::int64_t count = 0;
};

struct ErrorStats {
    TimePoint from{}, to{};
    std::int64_t total = 0;
    std::vector<CountByKey> by_type;         // largest first
    std::vector<CountByKey> by_fingerprint;  // largest first, at most 20
    std::vector<ErrorEvent> recent;          // newest first, at most 20
    std::chrono::minutes step{1};
    std::vector<std::int64_t> per_interval;  // `step` wide, from `from`
};

class ErrorStore {
  public:
    ErrorStore(const std::string& path, StoreLimits limits);

    // Throws std::runtime_error when the disk refuses; then nothing of the batch is stored.
    // `records` are the events' event_json() text when the caller made them already (the
    // intake does so on the senders' threads, off the one thread that writes).
    WriteResult write(const std::vector<ErrorEvent>& events,
                      const std::vector<std::string>& records = {});

    std::optional<ErrorEvent> event(const std::string& id) const;
    std::vector<ErrorGroup> groups(const GroupQuery& query) const;
    std::vector<ErrorEvent> recent_events(const Glob& fingerprint, std::size_t limit) const;
    ErrorStats stats(TimePoint from, TimePoint to, const std::optional<Glob>& fingerprint) const;
    // One group's occurrences in `buckets` intervals of `step`, the last one ending with the
    // minute of `to`: a sparkline.
    std::vector<std::int64_t> counts(const std::string& fingerprint, TimePoint to,
                                     std::chrono::minutes step, std::size_t buckets) const;
    // The groups the glob matches that changed.
    std::vector<ErrorGroup> set_status(const Glob& fingerprint, GroupStatus status, TimePoint now);
    // Drops what is older than `before`; returns the occurrences dropped.
    std::size_t expire(TimePoint before);
    std::int64_t kept_events() const;

    void set_limits(StoreLimits limits);

  private:
    void apply_size_limit();
    std::optional<ErrorGroup> group_locked(const std::string& fingerprint) const;
    ruler::sqlite::Database db_;
    StoreLimits limits_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::errors
