// The Calls resource's view of calls [api.calls.fetch-list]: what status a leg shows, and the
// records of ended calls, kept (the newest ones, bounded) after their sessions are gone.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "call/leg.h"
#include "call/rest_model.h"

namespace sipref::call {

// queued (a REST call not yet ringing), ringing, in-progress, or how it ended: completed once
// answered, canceled when its caller or the REST API cancelled it, else busy / no-answer /
// failed from its final SIP status as dial.status-mapping says.
std::string resource_status(const Leg& leg, bool placed_by_api);
// How an ended leg ended, in those words (also its last status callback's CallStatus).
std::string ended_status(const Leg& leg);

// True when `record` passes every filter that is set [api.calls.fetch-list].
bool matches(const CallRecord& record, const CallFilter& filter);

class CallHistory {
 public:
  explicit CallHistory(std::size_t capacity = 10000) : capacity_(capacity) {}
  void add(CallRecord record);  // the oldest goes when full
  const CallRecord* find(std::string_view sid) const;
  const std::deque<CallRecord>& records() const { return records_; }

 private:
  std::size_t capacity_;
  std::deque<CallRecord> records_;
};

}  // namespace sipref::call
