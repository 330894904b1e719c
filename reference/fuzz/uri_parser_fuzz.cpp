// libFuzzer target for SIP URIs and the <Sip> noun text: parse_uri, validate_uri, the escaping
// helpers and resolve_sip_target, with the properties a URI that parsed must keep when edited.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "call/sip_target.h"
#include "sip/uri.h"
#include "wire_oracles.h"

namespace {

using namespace sipref;
using namespace sipref::sip;

[[noreturn]] void broken(const char* property, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%s\n", property, excerpt(detail).c_str());
  std::abort();
}

void expect_round_trip(const Uri& uri, const char* property) {
  auto back = parse_uri(uri.to_string());
  if (!back || *back != uri) broken(property, uri.to_string());
}

void fuzz_parse(std::string_view text) {
  auto uri = parse_uri(text);
  if (!uri) return;
  if (uri->scheme != "sip" && uri->scheme != "sips") broken("scheme is sip or sips", text);
  if (host_kind(uri->host) == HostKind::invalid) broken("the host of a parsed URI is valid", text);
  if (!validate_uri(text)) broken("what parse_uri accepts, validate_uri accepts", text);
  expect_round_trip(*uri, "parse_uri(to_string(u)) == u");

  Uri without_headers = *uri;
  without_headers.headers.clear();
  auto request_uri = parse_uri(uri->to_string_without_headers());
  if (!request_uri || *request_uri != without_headers)
    broken("to_string_without_headers parses to u without its headers", text);

  // The edits sip_target and the call engine make must leave a URI that still parses.
  Uri edited = *uri;
  edited.set_parameter("transport", "tls");
  edited.remove_parameter("edge");
  edited.set_parameter("lr", std::nullopt);
  expect_round_trip(edited, "an edited URI round-trips");
}

void fuzz_helpers(std::string_view text) {
  if (auto decoded = percent_decode(text)) {
    auto encoded = percent_encode(*decoded, "");
    if (percent_decode(encoded) != *decoded) broken("decode(encode(x)) == x", text);
  }
  auto lengths = measure_sip_text(text);
  std::size_t separator = text.find('?') == std::string_view::npos ? 0 : 1;
  if (lengths.uri_part + lengths.headers_part + separator != text.size())
    broken("the two lengths and the '?' add up to the text", text);
  std::string quoted = excerpt(text);
  for (unsigned char c : quoted)
    if (c < 0x20 || c >= 0x7F) broken("an excerpt is printable ASCII", text);
  if (quoted.size() > 2 + 80 * 4 + 3) broken("an excerpt stays short", text);
}


void fuzz_sip_target(std::string_view text) {
  static const call::EdgeNames edges{
      .edges = {"ashburn", "dublin", "frankfurt", "san-jose"},
      .regions = {{"us1", "ashburn"}, {"ie1", "dublin"}, {"de1", "frankfurt"}},
      .aliases = {{"umatilla", "san-jose"}},
      .default_edge = "ashburn"};
  auto result = call::resolve_sip_target(text, edges);
  if (!result.target) {
    if (result.alerts.empty()) broken("a <Sip> that is not dialled says why", text);
    return;
  }
  const auto& target = *result.target;
  const Uri& uri = target.request_uri;
  if (uri.scheme != "sip") broken("sips: becomes sip:;transport=tls", text);
  if (!uri.headers.empty()) broken("the Request-URI carries no headers", text);
  if (uri.has_parameter("edge") || uri.has_parameter("region"))
    broken("edge and region are taken out of the Request-URI", text);
  if (target.host.empty()) broken("a dialled target has a host", text);
  expect_round_trip(uri, "the Request-URI round-trips");
  if (std::ranges::find(edges.edges, target.edge) == edges.edges.end())
    broken("the edge is a configured one", text);
  for (const auto& header : target.headers)
    if (!fuzz::is_token(header.name) || !fuzz::is_sendable_value(header.value))
      broken("custom headers are well-formed", header.name + ": " + header.value);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz_parse(text);
  fuzz_helpers(text);
  fuzz_sip_target(text);
  return 0;
}
