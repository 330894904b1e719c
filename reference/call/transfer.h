// An inbound REFER's blind transfer as a pure state machine [refer.*]: when each NOTIFY goes
// out, when the transferor gets BYE, and whether the transferee goes back to it (answerOnBridge).
#pragma once

#include <optional>

namespace sipref::call {

class Transfer {
 public:
  // fetching: the referUrl request is in flight; running: its TwiML runs for the transferee
  // (answerOnBridge only: the transferor is still bridged); dialling: a <Dial> of that TwiML
  // rings the target; done: nothing more to do for the transfer (the call may go on).
  enum class State { fetching, running, dialling, done };

  // What the engine must do after an event, in this order.
  struct Next {
    std::optional<int> notify;        // a NOTIFY whose sipfrag carries this status; >= 200 is the
                                      // last one (Subscription-State terminated)
    bool hang_up_transferor = false;  // BYE to the leg that sent the REFER
    bool run_twiml = false;           // the referUrl TwiML takes over the transferee
    bool reconnect = false;           // the transferee goes back to the transferor and the call
                                      // to what it was doing before the REFER
    bool end_call = false;            // the transferee's call ends (BYE)
  };

  // `subscription`: false when the REFER said Refer-Sub: false (RFC 4488): no NOTIFY at all.
  Transfer(bool answer_on_bridge, bool subscription);

  Next started();                    // the REFER was answered 202
  Next fetched();                    // referUrl answered with usable TwiML
  Next fetch_failed();               // referUrl unreachable, or its TwiML unusable
  Next dial_started();               // a <Dial> of the referUrl TwiML starts ringing
  Next target_bridged();             // that <Dial> bridged a new leg to the transferee
  Next dial_failed(int sip_status);  // that <Dial> ended without a bridge (0: no final response)
  Next twiml_ended();                // the referUrl TwiML ran out with no bridged <Dial>
  Next transferor_leaving();         // the transferor is about to be hung up for another reason

  State state() const { return state_; }
  bool answer_on_bridge() const { return answer_on_bridge_; }
  bool final_notified() const { return final_sent_; }

 private:
  Next finish(Next next, int final_status);  // the last NOTIFY (once), then done

  bool answer_on_bridge_;
  bool subscription_;
  bool final_sent_ = false;
  State state_ = State::fetching;
};

// The status the last NOTIFY reports when a transfer fails for want of a usable referUrl
// [refer.aob-false.unreachable], when the referUrl TwiML ends without a transfer, and when the
// transferor is hung up before the transfer finished (REF, our decisions).
inline constexpr int kReferUrlFailed = 503;
inline constexpr int kReferDeclined = 603;
inline constexpr int kReferAbandoned = 487;

}  // namespace sipref::call
