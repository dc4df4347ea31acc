#include "ruler/storage/store_metrics.hpp"

namespace stackwatch::storage {

namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

StoreMetrics::StoreMetrics(prometheus::Registry& registry)
    : series_(gauge(registry, "prometheus_tsdb_head_series",
                    "Total number of series in the embedded store.")),
      samples_(gauge(registry, "stackwatch_store_samples",
                     "Samples held in the embedded store's chunks.")),
      bytes_(gauge(registry, "stackwatch_store_bytes",
                   "The embedded store's estimate of its memory: chunks, series and labels.")) {}

void StoreMetrics::update(const MemoryStore& store) {
    series_.Set(static_cast<double>(store.series_count()));
    samples_.Set(static_cast<double>(store.sample_count()));
    bytes_.Set(static_cast<double>(store.memory_bytes()));
}

}  // namespace stackwatch::storage
