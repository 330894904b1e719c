// Overload protection [limits]: why a new call is refused (too many calls, too many calls per
// second, draining for shutdown), as a pure decision the engine asks before starting a call.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>

#include "config/config.h"
#include "sip/timers.h"

namespace sipref::call {

// Calls started within the last second, to hold max_cps.
class CallRateWindow {
 public:
  // True (and counted) when one more call fits in the second before `now`.
  bool admit(sip::Clock::time_point now, unsigned per_second);

 private:
  std::deque<sip::Clock::time_point> started_;
};

struct OverloadRefusal {
  std::string why;        // for the log: "max_calls 1000 reached"
  int retry_after_s = 5;  // the Retry-After a SIP 503 carries
};

class Overload {
 public:
  explicit Overload(const config::Limits& limits) : limits_(limits) {}
  // nullopt: the call may start (and counts towards max_cps).
  std::optional<OverloadRefusal> refuse_new_call(std::size_t live_calls, sip::Clock::time_point now);
  void start_draining() { draining_ = true; }
  bool draining() const { return draining_; }

 private:
  config::Limits limits_;
  CallRateWindow window_;
  bool draining_ = false;
};

}  // namespace sipref::call
