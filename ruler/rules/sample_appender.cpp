#include "ruler/rules/sample_appender.hpp"

namespace stackwatch::rules {

std::string MemoryStoreAppender::append(const promql::Labels& labels, promql::Timestamp t,
                                        double v) {
    switch (store_.append(labels, t, v)) {
        case storage::AppendResult::ok:
            return {};
        case storage::AppendResult::out_of_order:
            return "out of order sample";
        case storage::AppendResult::series_limit:
            return "series limit reached";
    }
    return "unknown append result";
}

}  // namespace stackwatch::rules
