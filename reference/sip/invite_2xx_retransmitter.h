// The UAS core's end-to-end reliability for a 2xx to INVITE (RFC 3261 §13.3.1.4): resend it
// until the ACK arrives, and give up (so the call engine sends BYE) when it never does.
#pragma once

#include <functional>

#include "sip/message.h"
#include "sip/timers.h"

namespace sipref::sip {

// Resends the 2xx after T1, then at intervals doubling up to T2 (0.5, 1, 2, 4, 4 ... s), and
// calls `give_up` 64*T1 after start() if ack_received() has not been called by then. The first
// copy is sent by the caller (through the server transaction); this class only retransmits.
// Not copyable or movable: the pending timers refer to it. Destroying it stops the timers, so a
// callback may destroy its owner (e.g. give_up ending the call).
class Invite2xxRetransmitter {
 public:
  using Send = std::function<void(const Message&)>;  // e.g. MessageSink::send on the INVITE's flow
  using GiveUp = std::function<void()>;

  Invite2xxRetransmitter(Timers& timers, Message response, Send send, GiveUp give_up,
                         Duration t1 = Duration{500}, Duration t2 = Duration{4000});
  ~Invite2xxRetransmitter() { stop(); }
  Invite2xxRetransmitter(const Invite2xxRetransmitter&) = delete;
  Invite2xxRetransmitter& operator=(const Invite2xxRetransmitter&) = delete;

  void start();
  // The ACK for this 2xx (matched by the UA core on dialog id and CSeq) ends the retransmissions.
  void ack_received() { stop(); }
  void stop();
  bool active() const { return resend_timer_ != 0 || give_up_timer_ != 0; }
  int retransmissions() const { return retransmissions_; }

 private:
  void on_resend();
  void on_give_up();

  Timers& timers_;
  Message response_;
  Send send_;
  GiveUp give_up_;
  Duration t1_;
  Duration t2_;
  Duration interval_;
  Timers::Handle resend_timer_ = 0;
  Timers::Handle give_up_timer_ = 0;
  int retransmissions_ = 0;
};

}  // namespace sipref::sip
