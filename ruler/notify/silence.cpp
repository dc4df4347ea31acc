#include "ruler/notify/silence.hpp"

#include "common/uuid.hpp"

namespace stackwatch::notify {
namespace {

bool same_matchers(const Matchers& a, const Matchers& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name() != b[i].name() || a[i].value() != b[i].value() ||
            a[i].type() != b[i].type())
            return false;
    return true;
}

// silence.canUpdate: only the time box may move, and only in ways that keep the past intact.
bool can_update(const Silence& previous, const Silence& next, TimePoint now) {
    if (!same_matchers(previous.matchers, next.matchers)) return false;
    switch (previous.state_at(now)) {
        case SilenceState::active:
            return next.starts_at == previous.starts_at && next.ends_at >= now;
        case SilenceState::pending:
            return next.starts_at >= now;
        case SilenceState::expired:
            return false;
    }
    return false;
}

}  // namespace

const char* silence_state_name(SilenceState state) {
    switch (state) {
        case SilenceState::pending:
            return "pending";
        case SilenceState::active:
            return "active";
        case SilenceState::expired:
            return "expired";
    }
    return "expired";
}

SilenceState Silence::state_at(TimePoint t) const {
    if (ends_at <= t) return SilenceState::expired;
    if (starts_at > t) return SilenceState::pending;
    return SilenceState::active;
}

void validate_silence(const Silence& silence) {
    if (silence.matchers.empty()) throw SilenceError("at least one matcher required");
    bool all_match_empty = true;
    for (const auto& m : silence.matchers) all_match_empty = all_match_empty && m.matches("");
    if (all_match_empty) throw SilenceError("at least one matcher must not match the empty string");
    if (silence.ends_at < silence.starts_at)
        throw SilenceError("end time must not be before start time");
}

void Silences::restore(std::vector<Silence> silences) {
    std::lock_guard lock(mutex_);
    for (auto& s : silences) silences_[s.id] = std::move(s);
}

void Silences::store(Silence silence) {
    if (persist_) persist_(silence);
    silences_[silence.id] = std::move(silence);
}

std::string Silences::set(Silence silence, TimePoint now) {
    validate_silence(silence);
    std::lock_guard lock(mutex_);
    silence.updated_at = now;
    if (!silence.id.empty()) {
        auto found = silences_.find(silence.id);
        if (found == silences_.end()) throw SilenceNotFound("silence " + silence.id + " not found");
        if (can_update(found->second, silence, now)) {
            std::string id = silence.id;
            store(std::move(silence));
            return id;
        }
        Silence& previous = found->second;
        if (previous.state_at(now) != SilenceState::expired) {
            Silence expired = previous;
            if (expired.state_at(now) == SilenceState::pending) expired.starts_at = now;
            expired.ends_at = now;
            expired.updated_at = now;
            store(std::move(expired));
        }
    }
    silence.id = random_uuid();
    if (silence.starts_at < now) silence.starts_at = now;
    std::string id = silence.id;
    store(std::move(silence));
    return id;
}

void Silences::expire(const std::string& id, TimePoint now) {
    std::lock_guard lock(mutex_);
    auto found = silences_.find(id);
    if (found == silences_.end()) throw SilenceNotFound("silence " + id + " not found");
    Silence silence = found->second;
    switch (silence.state_at(now)) {
        case SilenceState::expired:
            throw SilenceError("silence " + id + " already expired");
        case SilenceState::pending:
            silence.starts_at = now;  // both at now moves a pending silence straight to expired
            silence.ends_at = now;
            break;
        case SilenceState::active:
            silence.ends_at = now;
            break;
    }
    silence.updated_at = now;
    store(std::move(silence));
}

std::optional<Silence> Silences::get(const std::string& id) const {
    std::lock_guard lock(mutex_);
    auto found = silences_.find(id);
    if (found == silences_.end()) return std::nullopt;
    return found->second;
}

std::vector<Silence> Silences::list() const {
    std::lock_guard lock(mutex_);
    std::vector<Silence> out;
    out.reserve(silences_.size());
    for (const auto& [id, s] : silences_) out.push_back(s);
    return out;
}

std::vector<std::string> Silences::silenced_by(const promql::Labels& labels, TimePoint now) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> ids;
    for (const auto& [id, s] : silences_)
        if (s.state_at(now) == SilenceState::active && matches_all(s.matchers, labels))
            ids.push_back(id);
    return ids;
}

std::vector<std::string> Silences::collect_garbage(TimePoint horizon) {
    std::lock_guard lock(mutex_);
    std::vector<std::string> removed;
    for (auto it = silences_.begin(); it != silences_.end();) {
        if (it->second.ends_at < horizon) {
            removed.push_back(it->first);
            it = silences_.erase(it);
        } else {
            ++it;
        }
    }
    return removed;
}

}  // namespace stackwatch::notify
