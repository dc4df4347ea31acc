#pragma once
// Quantile estimation over classic histogram buckets (histogram_quantile).

#include <vector>

namespace stackwatch::promql {

struct Bucket {
    double upper_bound;  // the `le` label
    double count;        // cumulative
};

// Interpolates linearly inside the bucket the rank falls into; NaN without a +Inf bucket.
double bucket_quantile(double q, std::vector<Bucket> buckets);

}  // namespace stackwatch::promql
