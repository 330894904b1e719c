#include "sip/invite_2xx_retransmitter.h"

#include <algorithm>
#include <utility>

namespace sipref::sip {

Invite2xxRetransmitter::Invite2xxRetransmitter(Timers& timers, Message response, Send send,
                                               GiveUp give_up, Duration t1, Duration t2)
    : timers_(timers),
      response_(std::move(response)),
      send_(std::move(send)),
      give_up_(std::move(give_up)),
      t1_(t1),
      t2_(t2),
      interval_(t1) {}

void Invite2xxRetransmitter::start() {
  stop();
  interval_ = t1_;
  resend_timer_ = timers_.start(interval_, [this] { on_resend(); });
  give_up_timer_ = timers_.start(64 * t1_, [this] { on_give_up(); });
}

void Invite2xxRetransmitter::stop() {
  timers_.stop(resend_timer_);
  timers_.stop(give_up_timer_);
  resend_timer_ = give_up_timer_ = 0;
}

void Invite2xxRetransmitter::on_resend() {
  // Re-arm before sending: send_ is the last thing we touch, in case it destroys us.
  interval_ = std::min(interval_ * 2, t2_);
  resend_timer_ = timers_.start(interval_, [this] { on_resend(); });
  ++retransmissions_;
  send_(response_);
}

void Invite2xxRetransmitter::on_give_up() {
  give_up_timer_ = 0;
  stop();
  give_up_();  // may destroy *this
}

}  // namespace sipref::sip
