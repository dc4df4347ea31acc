#pragma once
// Where rule results go: the embedded store, or anything else that accepts samples.

#include <string>

#include "ruler/promql/value.hpp"
#include "ruler/storage/memory_store.hpp"

namespace stackwatch::rules {

class SampleAppender {
  public:
    virtual ~SampleAppender() = default;
    // "" on success, otherwise why the sample was refused (e.g. "out of order sample").
    virtual std::string append(const promql::Labels& labels, promql::Timestamp t, double v) = 0;
};

class MemoryStoreAppender : public SampleAppender {
  public:
    explicit MemoryStoreAppender(storage::MemoryStore& store) : store_(store) {}
    std::string append(const promql::Labels& labels, promql::Timestamp t, double v) override;

  private:
    storage::MemoryStore& store_;
};

}  // namespace stackwatch::rules
