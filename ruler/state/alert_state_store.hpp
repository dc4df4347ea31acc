#pragma once
// Keeps the ALERTS_FOR_STATE series in sqlite, so a restarted ruler can restore how long each
// alert has been active (Prometheus reads them back from its TSDB; our store is in memory).

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ruler/promql/queryable.hpp"
#include "ruler/state/sqlite.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::ruler {

class AlertStateStore {
  public:
    // Creates the file and its directory when missing; throws std::runtime_error naming the path.
    explicit AlertStateStore(const std::string& path);
    AlertStateStore(const AlertStateStore&) = delete;
    AlertStateStore& operator=(const AlertStateStore&) = delete;

    // Records the newest ALERTS_FOR_STATE sample of every series in `data` at or before t; a
    // staleness marker forgets the series.
    void save(const promql::Queryable& data, promql::Timestamp t);
    // Appends what was saved into the store, for Group::restore_for_state.
    std::size_t load_into(storage::MemoryStore& store) const;

  private:
    sqlite::Database db_;
    mutable std::mutex mutex_;
};

}  // namespace stackwatch::ruler
