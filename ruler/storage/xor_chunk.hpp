#pragma once
// A series' samples compressed as Prometheus's XOR chunks do (Gorilla, Pelkonen et al. 2015):
// the first timestamp as a varint, the second as a delta, the rest as deltas of deltas in
// buckets of 14, 17 and 20 bits; each value as its XOR with the one before, written as the
// window of meaningful bits. Regular scrapes cost about a bit per timestamp and a few per value.
// Values keep their exact bits, so staleness markers and NaN payloads survive.

#include <cstdint>
#include <memory>
#include <vector>

#include "ruler/promql/value.hpp"

namespace stackwatch::storage {

// Where a decoder stands before it reads sample `index` of a chunk: the bit that sample starts
// at, the sample before it, and the value window in force.
struct XorCursor {
    std::uint32_t bit = 0;
    std::uint16_t index = 0;
    std::uint8_t leading = 0;
    std::uint8_t significant = 0;
    promql::Timestamp time = 0;
    std::uint64_t delta = 0;
    std::uint64_t value_bits = 0;
};

// A full chunk: immutable, sized to its bytes.
class XorChunk {
  public:
    XorChunk(const std::vector<std::uint8_t>& bytes, std::uint16_t samples,
             promql::Timestamp max_time);

    std::uint16_t samples() const { return samples_; }
    promql::Timestamp max_time() const { return max_time_; }
    std::size_t memory_bytes() const { return sizeof(*this) + size_; }
    // Appends the samples with mint <= t <= maxt to out, in time order.
    void decode(promql::Timestamp mint, promql::Timestamp maxt,
                std::vector<promql::Sample>& out) const;

  private:
    std::unique_ptr<std::uint8_t[]> bytes_;
    std::uint32_t size_;
    std::uint16_t samples_;
    promql::Timestamp max_time_;
};

// The chunk a series appends to. It remembers its last sample across the cut to a new chunk, so
// the store can tell a retried sample from an out-of-order one.
class XorHeadChunk {
  public:
    // Prometheus cuts its chunks at 120 samples: past it compression gains little and a read
    // decodes more samples it then skips.
    static constexpr std::uint16_t kMaxSamples = 120;
    // Rules mostly read the newest minutes, so the head remembers where its latest 32nd sample
    // starts, and such a read decodes from there instead of from the chunk's start.
    static constexpr std::uint16_t kCheckpointEvery = 32;

    bool full() const { return samples_ == kMaxSamples; }
    std::uint16_t samples() const { return samples_; }
    promql::Timestamp last_time() const { return last_time_; }
    double last_value() const;
    std::size_t memory_bytes() const { return bytes_.capacity(); }

    // t must be after last_time() unless the head is new; the caller checks.
    void append(promql::Timestamp t, double v);
    // The full chunk's samples as an immutable chunk; the head starts empty again.
    XorChunk cut();
    void decode(promql::Timestamp mint, promql::Timestamp maxt,
                std::vector<promql::Sample>& out) const;
    // How many samples decode(mint, ...) looks at: an upper bound of what it returns.
    std::uint16_t samples_from(promql::Timestamp mint) const;

  private:
    const XorCursor& start_for(promql::Timestamp mint) const;

    std::vector<std::uint8_t> bytes_;
    XorCursor checkpoint_;
    promql::Timestamp last_time_ = 0;
    std::uint64_t last_delta_ = 0;
    std::uint64_t last_value_bits_ = 0;
    std::uint16_t samples_ = 0;
    std::uint8_t free_bits_ = 0;
    std::uint8_t leading_ = kNoWindow;
    std::uint8_t trailing_ = 0;

    static constexpr std::uint8_t kNoWindow = 0xff;
};

}  // namespace stackwatch::storage
