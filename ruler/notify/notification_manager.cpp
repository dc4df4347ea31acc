#include "ruler/notify/notification_manager.hpp"

#include "common/logging.hpp"
#include "common/memory.hpp"
#include "common/thread_name.hpp"
#include "common/uuid.hpp"
#include "ruler/notify/records.hpp"

namespace stackwatch::notify {

NotificationManager::Generation::Generation(NotifyConfig c)
    : config(std::make_shared<const NotifyConfig>(std::move(c))),
      route(Route::build(config->route)),
      templates(std::make_shared<const NotificationTemplates>(
          NotificationTemplates::load(config->templates))),
      receivers(build_receivers(*config, templates)),
      inhibitor(config->inhibit_rules) {}

NotificationManager::NotificationManager(NotifyConfig config, NotifyOptions options,
                                         prometheus::Registry& registry)
    : options_(std::move(options)),
      started_at_(Clock::now()),
      store_(options_.state_path),
      metrics_(registry),
      silences_([this](const Silence& s) { store_.save_silence(s); }),
      outbox_(
          store_, metrics_, [this](const OutboxEntry& e) { return target_for(e); },
          [this](const OutboxEntry& e) { on_dead_letter(e); }, options_.max_in_flight) {
    silences_.restore(store_.load_silences());
    log_.restore(store_.load_log());
    for (auto& a : store_.load_alerts()) {
        auto fp = a.fingerprint();  // before the move: the right side of = runs first
        alerts_[fp] = std::make_shared<const Alert>(std::move(a));
    }
    apply(prepare(std::move(config)));
    outbox_.resume();
    collector_ = std::thread([this] { collector_loop(); });
}

NotificationManager::~NotificationManager() {
    stop();
}

void NotificationManager::stop() {
    {
        std::lock_guard lock(collector_mutex_);
        if (stopping_) return;
        stopping_ = true;
    }
    collector_wake_.notify_all();
    if (collector_.joinable()) collector_.join();
    std::shared_ptr<Generation> generation;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
    }
    if (generation) generation->dispatcher->stop();
    outbox_.stop();
}

std::unique_ptr<NotificationManager::Prepared> NotificationManager::prepare(NotifyConfig config) {
    auto prepared = std::make_unique<Prepared>();
    prepared->generation = std::make_shared<Generation>(std::move(config));
    Generation* g = prepared->generation.get();
    g->pipeline = std::make_unique<Pipeline>(
        Pipeline::Parts{*g->config, g->receivers, g->inhibitor, silences_, log_, store_, outbox_,
                        options_.external_url, options_.hooks});
    return prepared;
}

void NotificationManager::apply(std::unique_ptr<Prepared> prepared) {
    std::shared_ptr<Generation> fresh = std::move(prepared->generation);
    Generation* g = fresh.get();
    for (const auto& receiver : g->config->receivers)
        for (const auto& kind : receiver.unsupported)
            log::warn(
                "receiver integration not supported by stackwatch, its notifications are not sent",
                {{"receiver", receiver.name}, {"integration", kind}});
    g->dispatcher = std::make_unique<Dispatcher>(
        g->route,
        [g](const std::vector<GroupFlush>& flushes) { return g->pipeline->run(flushes); });
    std::shared_ptr<Generation> old;
    {
        std::lock_guard lock(mutex_);
        old = std::exchange(generation_, fresh);
        for (const auto& [fp, a] : alerts_) fresh->inhibitor.observe(*a);
        std::vector<SharedAlert> all;
        all.reserve(alerts_.size());
        for (const auto& [fp, a] : alerts_) all.push_back(a);
        fresh->dispatcher->put(all);
    }
    // A flush of the old tree still running finishes before the old parts go.
    if (old) old->dispatcher->stop();
}

void NotificationManager::put(std::vector<Alert> alerts) {
    auto now = Clock::now();
    // One intake at a time, so the state file gets merges in the order they were made; the
    // main lock is free meanwhile for the API and the delivery workers.
    std::lock_guard intake(intake_mutex_);
    std::vector<SharedAlert> merged;
    merged.reserve(alerts.size());
    std::shared_ptr<Generation> generation;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
        auto resolve_timeout = generation->config->global.resolve_timeout;
        for (auto& a : alerts) {
            if (a.starts_at == TimePoint{}) a.starts_at = a.ends_at ? *a.ends_at : now;
            if (!a.ends_at) {
                a.ends_at = now + resolve_timeout;
                a.timeout = true;
            }
            a.updated_at = now;
            metrics_.received(a.resolved_at(now) ? "resolved" : "firing", 1);
            auto fp = a.fingerprint();
            auto& held = alerts_[fp];
            if (!held) {
                held = std::make_shared<const Alert>(std::move(a));
            } else if (held->resolved_by_hand && !a.resolved_at(now) &&
                       a.starts_at <= held->starts_at) {
                // Still the firing someone resolved: it stays resolved, and is kept while the
                // sender keeps sending it.
                auto kept = std::make_shared<Alert>(*held);
                kept->updated_at = now;
                held = std::move(kept);
                continue;
            } else if (overlaps(*held, a)) {
                held = std::make_shared<const Alert>(merge(*held, a));
            } else {
                held = std::make_shared<const Alert>(std::move(a));
            }
            merged.push_back(held);
        }
    }
    publish(merged, generation);
}

void NotificationManager::publish(const std::vector<SharedAlert>& merged,
                                  const std::shared_ptr<Generation>& generation) {
    if (merged.empty()) return;
    store_.save_alerts(merged);
    if (options_.hooks != nullptr) options_.hooks->changed(merged);
    std::lock_guard lock(mutex_);
    // A reload in between put its generation in place with these alerts already in it.
    if (generation_ != generation) return;
    for (const auto& a : merged) generation_->inhibitor.observe(*a);
    generation_->dispatcher->put(merged);
}

std::optional<Alert> NotificationManager::resolve_by_hand(const std::string& id) {
    auto now = Clock::now();
    std::lock_guard intake(intake_mutex_);
    std::vector<SharedAlert> merged;
    std::shared_ptr<Generation> generation;
    {
        std::lock_guard lock(mutex_);
        generation = generation_;
        auto found = std::find_if(alerts_.begin(), alerts_.end(), [&](const auto& entry) {
            return !entry.second->resolved_at(now) && alert_id(*entry.second) == id;
        });
        if (found == alerts_.end()) return std::nullopt;
        auto resolved = std::make_shared<Alert>(*found->second);
        resolved->ends_at = now;
        resolved->timeout = false;
        resolved->resolved_by_hand = true;
        resolved->updated_at = now;
        found->second = resolved;
        merged.push_back(std::move(resolved));
    }
    publish(merged, generation);
    return *merged.front();
}

std::optional<Alert> NotificationManager::find(const std::string& id) const {
    std::lock_guard lock(mutex_);
    for (const auto& [fp, a] : alerts_)
        if (alert_id(*a) == id) return *a;
    return std::nullopt;
}

Outbox::Target NotificationManager::target_for(const OutboxEntry& entry) const {
    std::lock_guard lock(mutex_);
    Outbox::Target target{nullptr, options_.retry};
    if (const auto* receiver = generation_->config->receiver(entry.receiver))
        target.policy = receiver->retry.over(options_.retry);
    auto found = generation_->receivers.find(entry.receiver);
    if (found == generation_->receivers.end()) return target;
    for (const auto& integration : found->second)
        if (integration.name == entry.integration) target.notifier = integration.notifier;
    return target;
}

std::vector<OutboxEntry> NotificationManager::render_for(const std::string& receiver,
                                                         NotificationData data,
                                                         const std::string& key_prefix,
                                                         bool fallback) const {
    std::vector<OutboxEntry> entries;
    auto found = generation_->receivers.find(receiver);
    if (found == generation_->receivers.end()) return entries;
    data.receiver = receiver;
    const auto* config = generation_->config->receiver(receiver);
    bool keep_data = !fallback && config != nullptr && !config->fallback_receiver.empty();
    auto now = Clock::now();
    for (const auto& integration : found->second) {
        auto told = data;
        if (!integration.notifier->send_resolved()) told.drop_resolved();
        if (told.alerts.empty()) continue;
        OutboxEntry entry{.idempotency_key = random_uuid(),
                          .receiver = receiver,
                          .integration = integration.name,
                          .group_key = data.group_key,
                          .payload = integration.notifier->render(told),
                          .created_at = now,
                          .next_attempt_at = now,
                          .data = keep_data ? notification_record(told) : "",
                          .fallback = fallback};
        // A key of its own: these notifications need no order among the group's others.
        entry.log_key = key_prefix + entry.idempotency_key;
        entries.push_back(std::move(entry));
    }
    return entries;
}

void NotificationManager::enqueue_all(std::vector<OutboxEntry> entries) {
    for (auto& entry : entries) {
        store_.enqueue_alone(entry);
        outbox_.submit(std::move(entry), {});
    }
}

bool NotificationManager::notify_receiver(const std::string& receiver, NotificationData data) {
    std::vector<OutboxEntry> entries;
    {
        std::lock_guard lock(mutex_);
        data.external_url = options_.external_url;
        entries = render_for(receiver, std::move(data), "escalation/", false);
    }
    bool any = !entries.empty();
    enqueue_all(std::move(entries));
    return any;
}

void NotificationManager::on_dead_letter(const OutboxEntry& entry) {
    log_.drop(entry.log_key);
    if (entry.fallback || entry.data.empty()) return;
    std::vector<OutboxEntry> fallbacks;
    try {
        auto data = notification_from_record(entry.data);
        std::lock_guard lock(mutex_);
        const auto* receiver = generation_->config->receiver(entry.receiver);
        if (receiver == nullptr || receiver->fallback_receiver.empty()) return;
        fallbacks = render_for(receiver->fallback_receiver, std::move(data), "fallback/", true);
    } catch (const std::exception& e) {
        log::error(
            "could not hand a dead letter to its fallback receiver",
            {{"receiver", entry.receiver}, {"groupKey", entry.group_key}, {"error", e.what()}});
        return;
    }
    for (const auto& fallback : fallbacks)
        log::warn("notification handed to the fallback receiver",
                  {{"receiver", entry.receiver},
                   {"integration", entry.integration},
                   {"fallbackReceiver", fallback.receiver},
                   {"fallbackIntegration", fallback.integration},
                   {"groupKey", entry.group_key}});
    enqueue_all(std::move(fallbacks));
}

std::vector<std::string> NotificationManager::receivers_for(const promql::Labels& labels) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto* route : generation_->route->match(labels))
        out.push_back(route->options().receiver);
    return out;
}

std::vector<AlertView> NotificationManager::alerts() const {
    auto now = Clock::now();
    std::vector<AlertView> views;
    std::lock_guard lock(mutex_);
    views.reserve(alerts_.size());
    for (const auto& [fp, a] : alerts_) {
        if (a->resolved_at(now)) continue;
        AlertView view{a, {}, silences_.silenced_by(a->labels, now), {}};
        for (const auto* route : generation_->route->match(a->labels)) {
            const auto& name = route->options().receiver;
            if (std::find(view.receivers.begin(), view.receivers.end(), name) ==
                view.receivers.end())
                view.receivers.push_back(name);
        }
        if (auto by = generation_->inhibitor.inhibited_by(a->labels, now))
            view.inhibited_by.push_back(fingerprint_text(*by));
        views.push_back(std::move(view));
    }
    return views;
}

std::vector<GroupView> NotificationManager::groups() const {
    std::lock_guard lock(mutex_);
    return generation_->dispatcher->groups();
}

std::shared_ptr<const NotifyConfig> NotificationManager::config() const {
    std::lock_guard lock(mutex_);
    return generation_->config;
}

void NotificationManager::update_gauges(const std::vector<AlertView>& views) const {
    double active = 0, suppressed = 0;
    for (const auto& v : views)
        (v.state() == std::string_view("active") ? active : suppressed) += 1;
    metrics_.set_alerts("active", active);
    metrics_.set_alerts("suppressed", suppressed);
    metrics_.set_alerts("unprocessed", 0);
    double counts[3] = {0, 0, 0};
    auto now = Clock::now();
    for (const auto& s : silences_.list()) counts[static_cast<int>(s.state_at(now))] += 1;
    for (int state = 0; state < 3; ++state)
        metrics_.set_silences(silence_state_name(static_cast<SilenceState>(state)), counts[state]);
}

void NotificationManager::collect_garbage() {
    auto now = Clock::now();
    std::vector<Fingerprint> gone;
    {
        std::lock_guard lock(mutex_);
        for (auto it = alerts_.begin(); it != alerts_.end();) {
            // One resolved by hand stays while its sender still sends it as firing.
            bool still_sent =
                it->second->resolved_by_hand && it->second->updated_at > now - options_.gc_interval;
            if (it->second->resolved_at(now) && !still_sent) {
                gone.push_back(it->first);
                generation_->inhibitor.forget(it->first);
                it = alerts_.erase(it);
            } else {
                ++it;
            }
        }
    }
    store_.delete_alerts(gone);
    store_.delete_silences(silences_.collect_garbage(now - options_.retention));
    log_.collect_garbage(now);
    store_.collect_garbage(now, now - options_.retention);
    update_gauges(alerts());
}

void NotificationManager::collector_loop() {
    name_this_thread("notify-gc");
    // The gauges follow every few seconds; the collection runs at Alertmanager's pace.
    constexpr auto kGaugePeriod = std::chrono::seconds(5);
    auto next_collection = Clock::now() + options_.gc_interval;
    std::unique_lock lock(collector_mutex_);
    while (!collector_wake_.wait_for(lock,
                                     std::min<Clock::duration>(kGaugePeriod, options_.gc_interval),
                                     [&] { return stopping_; })) {
        lock.unlock();
        try {
            if (Clock::now() >= next_collection) {
                collect_garbage();
                next_collection = Clock::now() + options_.gc_interval;
            } else {
                update_gauges(alerts());
            }
            memory::release_free_memory();
        } catch (const std::exception& e) {
            log::error("notification state collection failed", {{"error", e.what()}});
        }
        lock.lock();
    }
}

}  // namespace stackwatch::notify
