// Engine: what the media relay reports. An RFC 4733 '*' from the caller ends the bridged leg
// when the <Dial> asked for hangupOnStar [dial.hangup-on-star].
#include "call/engine.h"
#include "media/dtmf_sender.h"
#include "media/rtp_packet.h"
#include "media/sdp.h"
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

// [multi.number] sendDigits: RFC 4733 events to the answered leg's party, from its relay port,
// in the payload type its SDP declared for telephone-event (101 when it declared none).
void Engine::send_digits(Leg& l, const std::string& digits) {
  if (l.media_endpoint == 0) return;
  const auto payload_type = media::telephone_event_payload_type(l.remote_sdp).value_or(101);
  auto packets = media::dtmf_packets(digits, payload_type, static_cast<std::uint32_t>(std::hash<std::string>{}(l.call_sid)));
  if (!packets) return;  // the parser already refused other characters (12200)
  log::info(l.call_sid, "send-digits", digits);
  for (auto& p : *packets) {
    timers_.start(std::chrono::duration_cast<Duration>(p.at), [this, id = l.id, bytes = std::move(p.bytes)] {
      Leg* live = leg(id);
      if (live && live->media_endpoint && live->state == LegState::confirmed) relay_->inject(live->media_endpoint, bytes);
    });
  }
}

}  // namespace sipref::call
