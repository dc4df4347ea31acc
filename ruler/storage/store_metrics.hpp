#pragma once
// The embedded store's size as metrics: series (Prometheus's own head-series name), samples and
// the bytes they take, so memory that grows with the rules' window is told from a leak.

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "ruler/storage/memory_store.hpp"

namespace stackwatch::storage {

class StoreMetrics {
  public:
    explicit StoreMetrics(prometheus::Registry& registry);
    void update(const MemoryStore& store);

  private:
    prometheus::Gauge& series_;
    prometheus::Gauge& samples_;
    prometheus::Gauge& bytes_;
};

}  // namespace stackwatch::storage
