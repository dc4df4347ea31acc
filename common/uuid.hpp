#pragma once
// Random (version 4) UUIDs, for ids that must not repeat across processes and restarts:
// silences and the Idempotency-Key of each notification.

#include <string>

namespace stackwatch {

std::string random_uuid();

}  // namespace stackwatch
