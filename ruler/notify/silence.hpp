#pragma once
// Silences as Alertmanager keeps them: matchers and a time box, pending, active or expired; an
// update that Alertmanager cannot apply in place expires the old silence and starts a new one.
// Every change is handed to a persister at once, so a crash loses none.

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ruler/notify/alert.hpp"
#include "ruler/notify/matchers.hpp"

namespace stackwatch::notify {

enum class SilenceState { pending, active, expired };
const char* silence_state_name(SilenceState state);

struct Silence {
    std::string id;
    Matchers matchers;
    TimePoint starts_at{};
    TimePoint ends_at{};
    TimePoint updated_at{};
    std::string created_by;
    std::string comment;

    SilenceState state_at(TimePoint t) const;
};

// What a silence cannot be, in Alertmanager's words; the API answers it with 400.
class SilenceError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};
class SilenceNotFound : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Silences {
  public:
    using Persist = std::function<void(const Silence&)>;
    // `persist` runs under the lock for every silence created or changed.
    explicit Silences(Persist persist = {}) : persist_(std::move(persist)) {}

    // Takes silences kept from an earlier run, as they were.
    void restore(std::vector<Silence> silences);
    // Creates (empty id) or updates a silence; returns its id, which is new when the update had
    // to replace it. Throws SilenceError or SilenceNotFound.
    std::string set(Silence silence, TimePoint now);
    // Throws SilenceNotFound, or SilenceError when it has already expired.
    void expire(const std::string& id, TimePoint now);
    std::optional<Silence> get(const std::string& id) const;
    std::vector<Silence> list() const;
    // Ids of the active silences whose matchers all match.
    std::vector<std::string> silenced_by(const promql::Labels& labels, TimePoint now) const;
    // Drops silences expired before `horizon` (Alertmanager keeps them 5 days).
    std::vector<std::string> collect_garbage(TimePoint horizon);

  private:
    void store(Silence silence);
    Persist persist_;
    mutable std::mutex mutex_;
    std::map<std::string, Silence> silences_;
};

// Alertmanager's checks of a silence from the API.
void validate_silence(const Silence& silence);

}  // namespace stackwatch::notify
