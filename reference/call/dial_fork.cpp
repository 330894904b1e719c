#include "call/dial_fork.h"
#include "util/deviations.h"

#include <algorithm>

namespace sipref::call {

DialFork::DialFork(std::size_t noun_count, bool sequential)
    : noun_count_(noun_count), sequential_(sequential && !deviates(Deviation::sequential_as_simultaneous)) {}

std::vector<std::size_t> DialFork::first_step() {
  starting_ = true;
  step_first_leg_ = legs_.size();
  std::vector<std::size_t> nouns;
  const std::size_t end = sequential_ ? std::min(noun_count_, std::size_t{1}) : noun_count_;
  for (; next_noun_ < end; ++next_noun_) nouns.push_back(next_noun_);
  return nouns;
}

void DialFork::add_leg(LegId id) { legs_.push_back({id, LegState::pending}); }

DialFork::Next DialFork::step_started() {
  starting_ = false;
  if (winner_ || over_) return {};
  Next next;
  if (step_alive()) {
    next.arm_timer = true;
    return next;
  }
  return advance(last_failed_);
}

bool DialFork::step_alive() const {
  return std::any_of(legs_.begin() + static_cast<std::ptrdiff_t>(step_first_leg_), legs_.end(), [](const ForkLeg& l) {
    return l.state == LegState::pending || l.state == LegState::cancelling;
  });
}

// The current step has no live leg: the next noun when sequential [multi.sequential], else the
// dial is over and reports the last leg that failed.
DialFork::Next DialFork::advance(LegId last_failed) {
  Next next;
  if (sequential_ && next_noun_ < noun_count_) {
    starting_ = true;
    step_first_leg_ = legs_.size();
    next.start.push_back(next_noun_++);
    return next;
  }
  over_ = true;
  next.finished = last_failed;
  return next;
}

DialFork::Next DialFork::answered(LegId id) {
  Next next;
  auto it = std::find_if(legs_.begin(), legs_.end(), [id](const ForkLeg& l) { return l.id == id; });
  if (it == legs_.end()) return next;
  const bool wanted = !winner_ && !over_ && it->state == LegState::pending;
  if (!wanted) {  // a loser's late 200, or one that crossed our CANCEL [multi.simultaneous]
    const bool was_live = it->state == LegState::pending || it->state == LegState::cancelling;
    it->state = LegState::failed;
    next.hang_up.push_back(id);
    if (was_live && !winner_ && !over_ && !starting_ && !step_alive()) {
      Next more = advance(id);
      next.start = std::move(more.start);
      next.finished = more.finished;
    }
    return next;
  }
  it->state = LegState::answered;
  winner_ = id;
  next.bridge = id;
  for (auto& other : legs_)
    if (other.state == LegState::pending && !deviates(Deviation::losers_not_cancelled)) {
      other.state = LegState::cancelling;
      next.cancel.push_back(other.id);
    }
  return next;
}

DialFork::Next DialFork::failed(LegId id) {
  auto it = std::find_if(legs_.begin(), legs_.end(), [id](const ForkLeg& l) { return l.id == id; });
  if (it == legs_.end() || it->state == LegState::failed || it->state == LegState::answered) return {};
  it->state = LegState::failed;
  last_failed_ = id;
  if (winner_ || over_ || starting_ || step_alive()) return {};
  return advance(id);
}

DialFork::Next DialFork::timed_out() {
  Next next;
  if (winner_ || over_) return next;
  for (auto it = legs_.begin() + static_cast<std::ptrdiff_t>(step_first_leg_); it != legs_.end(); ++it)
    if (it->state == LegState::pending) {
      it->state = LegState::cancelling;
      next.cancel.push_back(it->id);
    }
  return next;
}

}  // namespace sipref::call
