#pragma once
// Sentry's ingest formats, so an application instrumented with a Sentry SDK reports here by
// changing its DSN: envelopes (a header line, then items, each a header line and a payload of
// `length` bytes or up to the next newline) and the older single-event store body. Error events
// become occurrences; transactions, sessions, attachments and client reports are skipped.

#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "ruler/errors/error_event.hpp"

namespace stackwatch::errors {

// Throws InvalidError naming what is wrong ("item 2: payload shorter than its length").
std::vector<ErrorEvent> events_from_envelope(std::string_view body, TimePoint now);
ErrorEvent event_from_sentry(const nlohmann::json& event, TimePoint now);

}  // namespace stackwatch::errors
