#include "ruler/promql/quantile.hpp"

#include <algorithm>
#include <cmath>

#include "ruler/promql/functions.hpp"

namespace stackwatch::promql {

double quantile(double q, std::vector<double> values) {
    if (values.empty() || std::isnan(q)) return NAN;
    if (q < 0) return -INFINITY;
    if (q > 1) return INFINITY;
    std::sort(values.begin(), values.end(), [](double a, double b) {
        // NaN sorts first, like Go's sort of a slice ordered with "a < b || isNaN(a)".
        return std::isnan(a) ? !std::isnan(b) : a < b;
    });
    double n = static_cast<double>(values.size());
    double rank = q * (n - 1);
    double lower = std::max(0.0, std::floor(rank));
    double upper = std::min(n - 1, lower + 1);
    double weight = rank - std::floor(rank);
    return values[static_cast<std::size_t>(lower)] * (1 - weight) +
           values[static_cast<std::size_t>(upper)] * weight;
}

double bucket_quantile(double q, std::vector<Bucket> buckets) {
    if (std::isnan(q)) return NAN;
    if (q < 0) return -INFINITY;
    if (q > 1) return INFINITY;
    std::sort(buckets.begin(), buckets.end(),
              [](const Bucket& a, const Bucket& b) { return a.upper_bound < b.upper_bound; });
    if (buckets.empty() || !std::isinf(buckets.back().upper_bound)) return NAN;

    // Buckets with the same bound (e.g. "1" and "1.0") are one bucket.
    std::vector<Bucket> merged;
    for (const auto& b : buckets) {
        if (!merged.empty() && merged.back().upper_bound == b.upper_bound) {
            merged.back().count += b.count;
        } else {
            merged.push_back(b);
        }
    }
    // Scrapes of separate bucket series are not atomic, so counts can dip; treat them as flat.
    double max = -INFINITY;
    for (auto& b : merged) {
        if (b.count > max)
            max = b.count;
        else if (b.count < max)
            b.count = max;
    }
    if (merged.size() < 2) return NAN;
    double observations = merged.back().count;
    if (observations == 0) return NAN;
    double rank = q * observations;
    std::size_t b =
        static_cast<std::size_t>(std::find_if(merged.begin(), merged.end() - 1,
                                              [rank](const Bucket& x) { return x.count >= rank; }) -
                                 merged.begin());
    if (b == merged.size() - 1) return merged[merged.size() - 2].upper_bound;
    if (b == 0 && merged[0].upper_bound <= 0) return merged[0].upper_bound;
    double start = 0;
    double end = merged[b].upper_bound;
    double count = merged[b].count;
    if (b > 0) {
        start = merged[b - 1].upper_bound;
        count -= merged[b - 1].count;
        rank -= merged[b - 1].count;
    }
    return start + (end - start) * (rank / count);
}

}  // namespace stackwatch::promql
