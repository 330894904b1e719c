#include "call/transfer.h"

namespace sipref::call {

Transfer::Transfer(bool answer_on_bridge, bool subscription)
    : answer_on_bridge_(answer_on_bridge), subscription_(subscription) {}

Transfer::Next Transfer::finish(Next next, int final_status) {
  if (!final_sent_ && subscription_) next.notify = final_status;
  final_sent_ = true;
  state_ = State::done;
  return next;
}

Transfer::Next Transfer::started() {
  Next next;
  if (state_ == State::fetching && subscription_) next.notify = 100;
  return next;
}

// Seed 001's table: without answerOnBridge the transferor leaves as soon as the TwiML is
// fetched (the NOTIFY first, so it learns how its REFER ended); with it, it stays for now.
Transfer::Next Transfer::fetched() {
  if (state_ != State::fetching) return {};
  if (!answer_on_bridge_) return finish({.notify = std::nullopt, .hang_up_transferor = true, .run_twiml = true}, 200);
  state_ = State::running;
  return {.notify = std::nullopt, .run_twiml = true};
}

// Without answerOnBridge nothing continues the transferee's call; with it the bridge simply
// stays as it was (there was never a change to undo).
Transfer::Next Transfer::fetch_failed() {
  if (state_ != State::fetching) return {};
  if (!answer_on_bridge_) return finish({.notify = std::nullopt, .hang_up_transferor = true, .end_call = true}, kReferUrlFailed);
  return finish({}, kReferUrlFailed);
}

Transfer::Next Transfer::dial_started() {
  if (state_ == State::running) state_ = State::dialling;
  return {};
}

Transfer::Next Transfer::target_bridged() {
  if (state_ != State::dialling) return {};
  return finish({.notify = std::nullopt, .hang_up_transferor = true}, 200);
}

// REF: the last NOTIFY carries the target's own failure (486, 487 after our CANCEL …); with no
// final response at all, 408 Request Timeout.
Transfer::Next Transfer::dial_failed(int sip_status) {
  if (state_ != State::dialling) return {};
  const int status = sip_status >= 300 && sip_status <= 699 ? sip_status : 408;
  return finish({.notify = std::nullopt, .reconnect = true}, status);
}

Transfer::Next Transfer::twiml_ended() {
  if (state_ != State::running && state_ != State::dialling) return {};
  return finish({.notify = std::nullopt, .reconnect = true}, kReferDeclined);
}

// The terminating NOTIFY must precede any BYE to the transferor [refer.notify]; once it is
// gone the transferee can no longer go back to it.
Transfer::Next Transfer::transferor_leaving() {
  answer_on_bridge_ = false;
  if (final_sent_) return {};
  Next next;
  if (subscription_) next.notify = kReferAbandoned;
  final_sent_ = true;
  if (state_ == State::fetching) return next;  // the referUrl TwiML may still take the call
  state_ = State::done;
  return next;
}

}  // namespace sipref::call
