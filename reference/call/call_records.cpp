// The Calls resource's status words and the bounded store of ended calls.
#include "call/call_records.h"

#include "call/session.h"

namespace sipref::call {

std::string resource_status(const Leg& leg, bool placed_by_api) {
  switch (leg.state) {
    case LegState::offered:
    case LegState::proceeding:
    case LegState::cancelling: return "ringing";
    case LegState::calling: return placed_by_api ? "queued" : "ringing";  // [sip.never-queued]
    case LegState::answering:
    case LegState::confirmed:
    case LegState::ending: return "in-progress";
    case LegState::ended: break;
  }
  return ended_status(leg);
}

std::string ended_status(const Leg& leg) {
  if (leg.answered_at || leg.final_status / 100 == 2) return "completed";
  if (leg.canceled) return "canceled";
  return std::string(to_string(dial_status_for(leg.final_status)));
}

bool matches(const CallRecord& record, const CallFilter& filter) {
  return (!filter.to || record.to == *filter.to) && (!filter.from || record.from == *filter.from) &&
         (!filter.status || record.status == *filter.status) &&
         (!filter.parent_call_sid || record.parent_call_sid == *filter.parent_call_sid);
}

void CallHistory::add(CallRecord record) {
  if (capacity_ == 0) return;
  if (records_.size() == capacity_) records_.pop_front();
  records_.push_back(std::move(record));
}

const CallRecord* CallHistory::find(std::string_view sid) const {
  for (auto it = records_.rbegin(); it != records_.rend(); ++it)
    if (it->sid == sid) return &*it;
  return nullptr;
}

}  // namespace sipref::call
