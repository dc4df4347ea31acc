#include "ruler/remote_write/write_request.hpp"

#include <snappy.h>

#include <unordered_map>

#include "ruler/remote_write/prompb.pb.h"

namespace stackwatch::remote_write {

std::string encode_write_request(const std::vector<PendingSample>& samples) {
    prompb::WriteRequest request;
    // Buckets by label hash; a bucket holds more than one series only on a collision.
    std::unordered_map<std::uint64_t, std::vector<std::pair<const promql::Labels*, int>>> series;
    for (const auto& sample : samples) {
        auto& bucket = series[sample.labels.hash()];
        auto found = std::find_if(bucket.begin(), bucket.end(),
                                  [&](const auto& entry) { return *entry.first == sample.labels; });
        prompb::TimeSeries* out = nullptr;
        if (found != bucket.end()) {
            out = request.mutable_timeseries(found->second);
        } else {
            bucket.emplace_back(&sample.labels, request.timeseries_size());
            out = request.add_timeseries();
            for (const auto& label : sample.labels) {
                auto* l = out->add_labels();
                l->set_name(label.name);
                l->set_value(label.value);
            }
        }
        auto* s = out->add_samples();
        s->set_timestamp(sample.t);
        s->set_value(sample.v);
    }
    std::string encoded;
    request.SerializeToString(&encoded);
    std::string compressed;
    snappy::Compress(encoded.data(), encoded.size(), &compressed);
    return compressed;
}

}  // namespace stackwatch::remote_write
