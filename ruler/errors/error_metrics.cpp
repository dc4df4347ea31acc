#include "ruler/errors/error_metrics.hpp"

namespace stackwatch::errors {

ErrorMetrics::ErrorMetrics(prometheus::Registry& registry, std::size_t max_series)
    : errors_(prometheus::BuildCounter()
                  .Name("stackwatch_errors_total")
                  .Help("Tracked errors stored, by type and the fingerprint's first segment.")
                  .Register(registry)),
      dropped_(prometheus::BuildCounter()
                   .Name("stackwatch_errors_dropped_total")
                   .Help("stackwatch's own failures not tracked because the intake was full.")
                   .Register(registry)),
      refused_(prometheus::BuildCounter()
                   .Name("stackwatch_errors_refused_total")
                   .Help("Error reports refused, by reason (invalid, unauthorized, busy, "
                         "store_failed).")
                   .Register(registry)),
      max_series_(max_series),
      other_(&errors_.Add({{"type", "other"}, {"fingerprint_prefix", "other"}})) {}

void ErrorMetrics::stored(const std::string& type, const std::string& fingerprint) {
    auto key = std::make_pair(type, fingerprint.substr(0, fingerprint.find(':')));
    std::lock_guard lock(mutex_);
    auto it = series_.find(key);
    if (it == series_.end()) {
        if (series_.size() >= max_series_) {
            other_->Increment();
            return;
        }
        it = series_
                 .emplace(key, &errors_.Add({{"type", key.first.empty() ? "Error" : key.first},
                                             {"fingerprint_prefix", key.second}}))
                 .first;
    }
    it->second->Increment();
}

void ErrorMetrics::dropped(const std::string& reason) {
    dropped_.Add({{"reason", reason}}).Increment();
}

void ErrorMetrics::refused(const std::string& reason) {
    refused_.Add({{"reason", reason}}).Increment();
}

}  // namespace stackwatch::errors
