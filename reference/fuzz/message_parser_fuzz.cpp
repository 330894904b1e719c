// libFuzzer target for the SIP parsing layer: no input may crash parse_message, parse_uri,
// parse_via, parse_name_addr, salvage_for_response or StreamFramer, and whatever parses must
// parse again, to the same value, after being serialized.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "sip/headers.h"
#include "sip/parser.h"
#include "sip/uri.h"

namespace {

using namespace sipref::sip;

[[noreturn]] void broken(const char* property, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%.*s\n", property, static_cast<int>(detail.size()),
               detail.data());
  std::abort();
}

// Serialization spells compact names out ("v" -> "Via") and adds a Content-Length, so a message
// at the limits may legitimately outgrow them; the re-parse gets that room and no more.
ParseLimits grown(const ParseLimits& limits) {
  ParseLimits out = limits;
  out.max_message_bytes *= 2;
  out.max_header_count += 1;
  out.max_header_line_bytes += 32;
  return out;
}

void fuzz_message(std::string_view bytes) {
  const ParseLimits limits;
  (void)salvage_for_response(bytes);
  auto message = parse_message(bytes, limits);
  if (!message) return;
  // What the parser accepted, the layers above may parse without checking again.
  for (auto via : message->all("Via"))
    if (!parse_via(via)) broken("every Via of a parsed message parses", via);
  for (auto name : {"To", "From"})
    if (!parse_name_addr(*message->header(name)))
      broken("To and From of a parsed message parse", name);
  std::string wire = message->serialize();
  auto again = parse_message(wire, grown(limits));
  if (!again) broken("parse(serialize(parse(x))) succeeds", again.error().message + "\n" + wire);
  if (again->serialize() != wire) broken("serialize is a fixed point", wire);
}

void fuzz_values(std::string_view text) {
  if (auto uri = parse_uri(text)) {
    auto back = parse_uri(uri->to_string());
    if (!back || *back != *uri) broken("parse_uri(to_string(u)) == u", uri->to_string());
  }
  if (auto via = parse_via(text)) {
    auto back = parse_via(via->to_string());
    if (!back || *back != *via) broken("parse_via(to_string(v)) == v", via->to_string());
  }
  if (auto name_addr = parse_name_addr(text)) {
    auto back = parse_name_addr(name_addr->to_string());
    if (!back || *back != *name_addr)
      broken("parse_name_addr(to_string(n)) == n", name_addr->to_string());
  }
  if (auto cseq = parse_cseq(text)) {
    auto back = parse_cseq(cseq->to_string());
    if (!back || *back != *cseq) broken("parse_cseq(to_string(c)) == c", cseq->to_string());
  }
  if (auto decoded = percent_decode(text))
    if (percent_decode(percent_encode(*decoded, "")) != *decoded)
      broken("decode(encode(x)) == x", text);
  (void)split_list(text);
  (void)measure_sip_text(text);
}

// Feeds the bytes in chunks whose sizes the input chooses, framing and parsing what comes out.
void fuzz_stream(std::string_view bytes) {
  StreamFramer framer(ParseLimits{.max_message_bytes = 4096,
                                  .max_header_count = 64,
                                  .max_header_line_bytes = 1024,
                                  .max_body_bytes = 2048});
  for (std::size_t pos = 0; pos < bytes.size();) {
    std::size_t chunk = 1 + static_cast<unsigned char>(bytes[pos]) % 97;
    framer.feed(bytes.substr(pos, chunk));
    pos += chunk;
    while (true) {
      auto next = framer.next();
      if (!next) return;  // the stream would be closed
      if (!*next) break;
      (void)parse_message(**next);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz_message(bytes);
  fuzz_values(bytes);
  fuzz_stream(bytes);
  return 0;
}
