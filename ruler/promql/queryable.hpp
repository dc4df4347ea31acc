#pragma once
// The one seam between PromQL and wherever samples live (the embedded store, a test's loaded
// series). The remote datasource does not implement this: it answers whole queries instead.

#include <vector>

#include "ruler/promql/matcher.hpp"
#include "ruler/promql/value.hpp"

namespace stackwatch::promql {

class Queryable {
public:
    virtual ~Queryable() = default;
    // Every series matching all matchers, with its samples in [mint, maxt] in time order.
    // Staleness markers are returned as samples; the engine interprets them.
    virtual std::vector<Series> select(const std::vector<Matcher>& matchers, Timestamp mint,
                                       Timestamp maxt) const = 0;
};

}  // namespace stackwatch::promql
