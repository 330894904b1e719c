#include "media/dtmf_detector.h"

#include "media/rtp_packet.h"

namespace sipref::media {

std::optional<std::uint8_t> DtmfDetector::on_packet(std::span<const std::uint8_t> packet) {
  auto header = parse_rtp(packet);
  if (!header || header->payload_type != payload_type_) return std::nullopt;
  auto event = parse_telephone_event(packet.subspan(header->payload_offset));
  if (!event) return std::nullopt;
  if (last_ && last_->ssrc == header->ssrc && last_->timestamp == header->timestamp)
    return std::nullopt;
  last_ = Seen{header->ssrc, header->timestamp};
  return event->event;
}

}  // namespace sipref::media
