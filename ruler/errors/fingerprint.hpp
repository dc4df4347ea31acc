#pragma once
// Grouping: which occurrences are the same error. The default fingerprint is the type, a digest
// of the message with its variable parts (numbers, ids, hex, quoted values, addresses) made
// constant, and the top in-app frame, as Sentry groups; a sender's or a rule's fingerprint parts
// replace it, "{{ default }}" standing for it. Fingerprints are ':'-separated paths.

#include <string>
#include <string_view>
#include <vector>

#include "ruler/errors/error_event.hpp"

namespace stackwatch::errors {

// "user 4711 not found in 'orders'" -> "user <n> not found in <str>".
std::string normalize_message(std::string_view message);

// Frames from a stack trace printed by V8 ("    at fn (file:1:2)"), Python ("  File "f", line
// 3, in fn") or the JVM ("\tat pkg.Class.fn(File.java:3)"), most recent call first. Frames
// from dependencies and the runtime are not in-app.
std::vector<Frame> parse_stack(std::string_view stack);

// "<type>:<16 hex digits>"; the type with ':' and spaces made '_', "Error" when there is none.
std::string default_fingerprint(const ErrorEvent& event);

// The parts joined with ':', each "{{ default }}" replaced by the default fingerprint.
std::string fingerprint_from_parts(const std::vector<std::string>& parts, const ErrorEvent& event);

// "Type: message", cut to a line of at most 200 bytes.
std::string error_title(const ErrorEvent& event);

}  // namespace stackwatch::errors
