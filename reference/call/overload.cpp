// Overload decisions: the one-second window for max_cps, and the order of the refusals.
#include "call/overload.h"

namespace sipref::call {

bool CallRateWindow::admit(sip::Clock::time_point now, unsigned per_second) {
  while (!started_.empty() && now - started_.front() >= std::chrono::seconds(1)) started_.pop_front();
  if (started_.size() >= per_second) return false;
  started_.push_back(now);
  return true;
}

std::optional<OverloadRefusal> Overload::refuse_new_call(std::size_t live_calls, sip::Clock::time_point now) {
  // Draining first: the process is going away, come back later (to another instance).
  if (draining_) return OverloadRefusal{"draining for shutdown", 30};
  if (limits_.max_calls && live_calls >= *limits_.max_calls)
    return OverloadRefusal{"max_calls " + std::to_string(*limits_.max_calls) + " reached", 5};
  if (limits_.max_cps && !window_.admit(now, *limits_.max_cps))
    return OverloadRefusal{"max_cps " + std::to_string(*limits_.max_cps) + " reached", 1};
  return std::nullopt;
}

}  // namespace sipref::call
