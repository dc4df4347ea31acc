#pragma once
// The body of one remote-write request: the samples grouped into one TimeSeries per series, as a
// protobuf WriteRequest, compressed with snappy's block format, as the protocol requires.

#include <string>
#include <vector>

#include "ruler/promql/value.hpp"

namespace stackwatch::remote_write {

struct PendingSample {
    promql::Labels labels;
    promql::Timestamp t;
    double v;
};

// Samples of one series keep their order; series appear in the order of their first sample.
std::string encode_write_request(const std::vector<PendingSample>& samples);

}  // namespace stackwatch::remote_write
