// Engine: what the media relay reports. An RFC 4733 '*' from the caller ends the bridged leg
// when the <Dial> asked for hangupOnStar [dial.hangup-on-star].
#include "call/engine.h"
#include "media/rtp_packet.h"
#include "util/log.h"

namespace sipref::call {

void Engine::on_media_dtmf(std::uint64_t endpoint, std::uint8_t event) {
  auto it = media_legs_.find(endpoint);
  Leg* l = it == media_legs_.end() ? nullptr : leg(it->second);
  if (!l) return;
  const char key = media::dtmf_key(event);
  log::info(l->call_sid, "dtmf",
            (key ? std::string(1, key) : "?") + " (RFC 4733 event " + std::to_string(event) + ")");
  Session* s = session(l->session_sid);
  if (s && key == '*') hang_up_on_star(*s, *l);
}

// Only the parent leg's '*' counts, only while a child is bridged: the child gets BYE and the
// dial completes, so the action URL (or the next verb) takes the caller on.
void Engine::hang_up_on_star(Session& s, Leg& from) {
  if (!from.inbound || !s.dial || !s.dial->verb.hangup_on_star.value) return;
  end_bridge_from_our_side(s, "hangup-on-star");
}

}  // namespace sipref::call
