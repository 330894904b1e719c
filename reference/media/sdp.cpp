#include "media/sdp.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace sipref::media {
namespace {

std::vector<std::string_view> lines_of(std::string_view sdp) {
  std::vector<std::string_view> lines;
  while (!sdp.empty()) {
    auto end = sdp.find('\n');
    std::string_view line = sdp.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    sdp.remove_prefix(end + 1);
  }
  return lines;
}

std::vector<std::string_view> fields_of(std::string_view value) {
  std::vector<std::string_view> fields;
  while (!value.empty()) {
    auto space = value.find(' ');
    if (space != 0) fields.push_back(value.substr(0, space));
    if (space == std::string_view::npos) break;
    value.remove_prefix(space + 1);
  }
  return fields;
}

std::string join(const std::vector<std::string_view>& fields) {
  std::string out;
  for (auto f : fields) {
    if (!out.empty()) out.push_back(' ');
    out.append(f);
  }
  return out;
}

}  // namespace

Result<SdpEndpoint> read_audio_endpoint(std::string_view sdp) {
  SdpEndpoint endpoint;
  bool in_audio = false, found_audio = false;
  for (auto line : lines_of(sdp)) {
    if (line.starts_with("m=")) {
      if (found_audio) break;
      auto f = fields_of(line.substr(2));
      in_audio = f.size() >= 2 && f[0] == "audio";
      if (in_audio) {
        unsigned port = 0;
        auto [p, ec] = std::from_chars(f[1].data(), f[1].data() + f[1].size(), port);
        if (ec != std::errc() || port > 65535) return fail("SDP: bad audio port '" + std::string(f[1]) + "'");
        endpoint.audio_port = static_cast<std::uint16_t>(port);
        found_audio = true;
      }
    } else if (line.starts_with("c=")) {
      auto f = fields_of(line.substr(2));
      if (f.size() < 3) return fail("SDP: malformed c= line '" + std::string(line) + "'");
      if (endpoint.address.empty() || in_audio) endpoint.address = std::string(f[2]);
    }
  }
  if (!found_audio) return fail("SDP: no audio m= line");
  if (endpoint.address.empty()) return fail("SDP: no c= connection address");
  return endpoint;
}

Result<std::string> rewrite_sdp(std::string_view sdp, const SdpEndpoint& ours) {
  std::string out;
  bool audio_done = false, saw_audio = false;
  for (auto line : lines_of(sdp)) {
    std::string rewritten(line);
    if (line.starts_with("o=")) {
      auto f = fields_of(line.substr(2));
      if (f.size() < 6) return fail("SDP: malformed o= line '" + std::string(line) + "'");
      f[5] = ours.address;
      rewritten = "o=" + join(f);
    } else if (line.starts_with("c=")) {
      auto f = fields_of(line.substr(2));
      if (f.size() < 3) return fail("SDP: malformed c= line '" + std::string(line) + "'");
      f[2] = ours.address;
      rewritten = "c=" + join(f);
    } else if (line.starts_with("m=")) {
      auto f = fields_of(line.substr(2));
      if (!audio_done && f.size() >= 2 && f[0] == "audio") {
        std::string port = std::to_string(ours.audio_port);
        f[1] = port;
        rewritten = "m=" + join(f);
        audio_done = saw_audio = true;
      }
    }
    out.append(rewritten).append("\r\n");
  }
  if (!saw_audio) return fail("SDP: no audio m= line");
  return out;
}

std::optional<std::uint8_t> telephone_event_payload_type(std::string_view sdp) {
  for (auto line : lines_of(sdp)) {
    if (!line.starts_with("a=rtpmap:")) continue;
    auto f = fields_of(line.substr(9));
    if (f.size() < 2) continue;
    auto encoding = f[1].substr(0, f[1].find('/'));
    auto rate = f[1].substr(encoding.size());
    const bool named = encoding.size() == 15 && std::equal(encoding.begin(), encoding.end(), "telephone-event",
                                                           [](char a, char b) { return (a | 0x20) == b; });
    if (!named || !(rate.empty() || rate.starts_with("/8000"))) continue;
    unsigned pt = 0;
    auto [p, ec] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), pt);
    if (ec == std::errc() && p == f[0].data() + f[0].size() && pt < 128) return static_cast<std::uint8_t>(pt);
  }
  return std::nullopt;
}

std::string default_audio_offer() {
  return "v=0\r\no=sipref 1 1 IN IP4 0.0.0.0\r\ns=sipref\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
         "m=audio 9 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
         "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";
}

}  // namespace sipref::media
