#pragma once
// Runs one user-defined query and turns its rows into metrics the way postgres_exporter does.

#include <memory>

#include "exporter/postgres/collector.hpp"
#include "exporter/postgres/custom_queries.hpp"

namespace stackwatch::exporter::postgres {

std::unique_ptr<Collector> make_custom_query_collector(CustomQuery query);

}  // namespace stackwatch::exporter::postgres
