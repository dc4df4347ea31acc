#pragma once
// The seam between the notification pipeline and the people on call: the pipeline asks whether
// an alert is acknowledged (then it repeats nothing for it) and tells what changed after every
// intake, so acknowledgements end with their alert and transitions reach the event stream.

#include <vector>

#include "ruler/notify/alert.hpp"

namespace stackwatch::notify {

class AlertHooks {
  public:
    virtual ~AlertHooks() = default;
    virtual bool acknowledged(const Alert& alert, TimePoint now) const = 0;
    // The alerts as they stand after a change, in the order they came.
    virtual void changed(const std::vector<SharedAlert>& alerts) = 0;
};

}  // namespace stackwatch::notify
