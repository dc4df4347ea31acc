#pragma once
// Picks the datasource the configuration asks for: the embedded store, or a remote
// Prometheus-compatible query API.

#include <memory>

#include "ruler/datasource/datasource.hpp"
#include "ruler/config/ruler_config.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::ruler {

std::shared_ptr<datasource::Datasource> make_datasource(const RulerConfig& config,
                                                        const storage::MemoryStore& store);

}  // namespace stackwatch::ruler
