// libFuzzer target for TwiML as a webhook returns it: parse_twiml (XML, schema warnings, clamped
// values) and the <Dial>/<Refer> rules that turn its nouns into SIP, whose output must be sendable.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "call/dial_plan.h"
#include "call/refer_messages.h"
#include "sip/digest.h"
#include "sip/uri.h"
#include "twiml/parser.h"
#include "wire_oracles.h"

namespace {

using namespace sipref;
using namespace sipref::twiml;

[[noreturn]] void broken(const char* property, std::string_view detail) {
  std::fprintf(stderr, "property violated: %s\n%s\n", property, sip::excerpt(detail).c_str());
  std::abort();
}

template <class T>
void expect_within(const Attr<T>& attr, T min, T max, const char* property) {
  if (attr.value < min || attr.value > max) broken(property, attr.raw.value_or("(default)"));
}


void expect_sendable(const call::NounPlan& plan, std::string_view xml) {
  for (const auto& leg : plan.legs) {
    if (!sip::parse_uri(leg.request_uri))
      broken("a planned leg's Request-URI parses", leg.request_uri);
    for (const auto& header : leg.headers)
      if (!fuzz::is_token(header.name) || !fuzz::is_sendable_value(header.value))
        broken("a planned leg's headers are sendable", xml);
    if (!leg.credentials) continue;
    // The credentials meet the wire only in the answer to a challenge (RFC 2617 quoted strings).
    const sip::DigestChallenge challenge{.realm = "sipref.test", .nonce = "0123abcd"};
    auto answer = sip::answer_challenge(challenge, "INVITE", leg.request_uri,
                                        leg.credentials->first, leg.credentials->second, "cafe");
    if (answer && !fuzz::is_sendable_value(*answer)) broken("a digest answer is sendable", xml);
  }
}

void check_dial(const Dial& dial, std::string_view xml) {
  expect_within(dial.timeout, 5, 600, "Dial timeout is clamped to 5..600");
  expect_within(dial.time_limit, 1, 14400, "Dial timeLimit is clamped to 1..14400");
  (void)call::refuse_nouns(dial.nouns, true);
  (void)call::refuse_nouns(dial.nouns, false);
  static const call::EdgeNames edges{.edges = {"ashburn", "dublin"},
                                     .regions = {{"ie1", "dublin"}}};
  static const std::optional<config::PstnGateway> gateway =
      config::PstnGateway{"192.0.2.30", 5060, "ashburn"};
  static const std::vector<call::Registration> contacts = {
      {.contact = "sip:alice@192.0.2.20:5062", .flow = {}, .edge = "dublin", .expires = {}}};
  for (const auto& noun : dial.nouns) {
    if (auto* sip = std::get_if<Sip>(&noun)) {
      auto plan = call::plan_sip(*sip, edges);
      expect_sendable(plan, xml);
      expect_sendable(call::plan_registered(std::move(plan), contacts), xml);
    } else if (auto* number = std::get_if<Number>(&noun)) {
      if (auto e164 = call::to_e164(number->number);
          e164 && (e164->size() < 2 || e164->size() > 16 || (*e164)[0] != '+'))
        broken("to_e164 gives + and 1 to 15 digits", *e164);
      expect_sendable(call::plan_number(*number, gateway), xml);
    } else if (auto* client = std::get_if<Client>(&noun)) {
      expect_sendable(call::plan_client(*client, contacts), xml);
    }
  }
}

void fuzz_twiml(std::string_view xml) {
  auto document = parse_twiml(xml);
  if (!document) {
    if (document.error().code != 12100 && document.error().code != 12102)
      broken("a fetch failure is 12100 or 12102", document.error().message);
    return;
  }
  for (const auto& warning : document->warnings)
    if (warning.code != 12200 && warning.code != 13210 && warning.code != 13221 &&
        warning.code != 13241)
      broken("parse warnings are 12200 or a method code", warning.message);
  for (const auto& verb : document->verbs) {
    if (name_of(verb).empty()) broken("every verb has a name", xml);
    if (auto* dial = std::get_if<Dial>(&verb)) {
      check_dial(*dial, xml);
    } else if (auto* say = std::get_if<Say>(&verb)) {
      expect_within(say->loop, 0, 1000, "Say loop is clamped to 0..1000");
    } else if (auto* play = std::get_if<Play>(&verb)) {
      expect_within(play->loop, 0, 1000, "Play loop is clamped to 0..1000");
    } else if (auto* pause = std::get_if<Pause>(&verb)) {
      expect_within(pause->length, 1, 14400, "Pause length is clamped to 1..14400");
    } else if (auto* refer = std::get_if<Refer>(&verb)) {
      if (!fuzz::is_sendable_value(call::refer_to_for(refer->sip))) broken("a Refer-To is sendable", xml);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_twiml(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
