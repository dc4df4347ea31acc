#pragma once
// The notification side's own metrics, under Alertmanager's names where Alertmanager has one, so
// its dashboards and alerts on alertmanager_notifications_failed_total keep working.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <string>

namespace stackwatch::notify {

class NotifyMetrics {
  public:
    explicit NotifyMetrics(prometheus::Registry& registry);

    void attempted(const std::string& integration);
    void failed(const std::string& integration, const std::string& reason);
    void delivered(const std::string& integration, double seconds);
    void dead_letter(const std::string& integration);
    void set_outbox_pending(double n) { outbox_pending_.Set(n); }
    void set_alerts(const std::string& state, double n) { alerts_.Add({{"state", state}}).Set(n); }
    void set_silences(const std::string& state, double n) {
        silences_.Add({{"state", state}}).Set(n);
    }
    void received(const std::string& status, double n);  // status: firing or resolved
    void invalid(double n) { invalid_.Increment(n); }

  private:
    prometheus::Family<prometheus::Counter>& notifications_;
    prometheus::Family<prometheus::Counter>& failed_;
    prometheus::Family<prometheus::Histogram>& latency_;
    prometheus::Family<prometheus::Counter>& dead_letters_;
    prometheus::Family<prometheus::Counter>& received_;
    prometheus::Family<prometheus::Gauge>& alerts_;
    prometheus::Family<prometheus::Gauge>& silences_;
    prometheus::Gauge& outbox_pending_;
    prometheus::Counter& invalid_;
};

}  // namespace stackwatch::notify
