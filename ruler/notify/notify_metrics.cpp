#include "ruler/notify/notify_metrics.hpp"

namespace stackwatch::notify {
namespace {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets{1, 5, 10, 15,
                                                                  20};  // Alertmanager's
    return kBuckets;
}

}  // namespace

NotifyMetrics::NotifyMetrics(prometheus::Registry& registry)
    : notifications_(prometheus::BuildCounter()
                         .Name("alertmanager_notifications_total")
                         .Help("The total number of attempted notifications.")
                         .Register(registry)),
      failed_(prometheus::BuildCounter()
                  .Name("alertmanager_notifications_failed_total")
                  .Help("The total number of failed notifications.")
                  .Register(registry)),
      latency_(prometheus::BuildHistogram()
                   .Name("alertmanager_notification_latency_seconds")
                   .Help("The latency of notifications in seconds.")
                   .Register(registry)),
      dead_letters_(prometheus::BuildCounter()
                        .Name("stackwatch_notify_dead_letters_total")
                        .Help("Notifications given up after their retries, per integration.")
                        .Register(registry)),
      received_(prometheus::BuildCounter()
                    .Name("alertmanager_alerts_received_total")
                    .Help("The total number of received alerts.")
                    .Register(registry)),
      alerts_(prometheus::BuildGauge()
                  .Name("alertmanager_alerts")
                  .Help("How many alerts by state.")
                  .Register(registry)),
      silences_(prometheus::BuildGauge()
                    .Name("alertmanager_silences")
                    .Help("How many silences by state.")
                    .Register(registry)),
      outbox_pending_(
          prometheus::BuildGauge()
              .Name("stackwatch_notify_outbox_pending")
              .Help("Notifications written to the outbox and not yet delivered or given up.")
              .Register(registry)
              .Add({})),
      invalid_(prometheus::BuildCounter()
                   .Name("alertmanager_alerts_invalid_total")
                   .Help("The total number of received alerts that were invalid.")
                   .Register(registry)
                   .Add({})) {
    // As Alertmanager does, every integration's series exist from the start, so a rate over
    // them reads 0 rather than nothing before the first notification, and the first failure
    // is an increase, not a series that starts at 1.
    for (const char* integration : {"email", "slack", "webhook"}) {
        notifications_.Add({{"integration", integration}});
        for (const char* reason : {"retryable", "final"})
            failed_.Add({{"integration", integration}, {"reason", reason}});
        latency_.Add({{"integration", integration}}, latency_buckets());
        dead_letters_.Add({{"integration", integration}});
    }
}

void NotifyMetrics::attempted(const std::string& integration) {
    notifications_.Add({{"integration", integration}}).Increment();
}

void NotifyMetrics::failed(const std::string& integration, const std::string& reason) {
    failed_.Add({{"integration", integration}, {"reason", reason}}).Increment();
}

void NotifyMetrics::delivered(const std::string& integration, double seconds) {
    latency_.Add({{"integration", integration}}, latency_buckets()).Observe(seconds);
}

void NotifyMetrics::dead_letter(const std::string& integration) {
    dead_letters_.Add({{"integration", integration}}).Increment();
}

void NotifyMetrics::received(const std::string& status, double n) {
    received_.Add({{"status", status}}).Increment(n);
}

}  // namespace stackwatch::notify
