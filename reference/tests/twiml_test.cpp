// TwiML parser, grouped by catalogue row: twiml.parse (12100/12102), twiml.schema (12200, never
// fatal), the attribute tables of every verb and noun with their defaults, and the seed documents.
#include <gtest/gtest.h>

#include <algorithm>

#include "twiml/parser.h"

namespace sipref::twiml {
namespace {

// Parses a document that must be accepted.
Document parse(std::string_view xml) {
  auto doc = parse_twiml(xml);
  EXPECT_TRUE(doc.has_value()) << xml << "\n -> " << (doc ? "" : doc.error().message);
  return doc ? std::move(*doc) : Document{};
}

// The one verb of `<Response>…</Response>`, of type V.
template <class V>
V only(std::string_view body, std::size_t expected_warnings = 0) {
  Document doc = parse("<Response>" + std::string(body) + "</Response>");
  EXPECT_EQ(doc.warnings.size(), expected_warnings) << body;
  for (const auto& w : doc.warnings)
    ADD_FAILURE_AT(__FILE__, __LINE__) << "warning " << w.code << ": " << w.message;
  if (doc.verbs.size() != 1 || !std::holds_alternative<V>(doc.verbs[0])) {
    ADD_FAILURE() << "expected exactly one verb of the asked type in " << body;
    return V{};
  }
  return std::get<V>(doc.verbs[0]);
}

std::vector<int> codes(const Document& doc) {
  std::vector<int> out;
  for (const auto& w : doc.warnings) out.push_back(w.code);
  return out;
}

// ---- twiml.parse ---------------------------------------------------------------------------

TEST(Parse, NotWellFormedIs12100) {
  for (std::string_view xml :
       {"", "   ", "<Response>", "<Response><Dial></Response>", "hello", "<Response>&</Response>",
        "<Response></Response><Response></Response>",
        // seed 004 as printed: curly quotes around an attribute value
        "<Response><Reject reason=\xe2\x80\x9drejected\xe2\x80\x9d></Reject></Response>"}) {
    auto doc = parse_twiml(xml);
    ASSERT_FALSE(doc.has_value()) << xml;
    EXPECT_EQ(doc.error().code, 12100) << xml;
    EXPECT_EQ(doc.error().level(), AlertLevel::error);
  }
}

TEST(Parse, ErrorNamesThePosition) {
  auto doc = parse_twiml("<Response>\n  <Dial>\n</Response>");
  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message.find("line 3, column"), std::string::npos) << doc.error().message;
}

TEST(Parse, RootOtherThanResponseIs12102) {
  for (std::string_view xml :
       {"<response/>", "<Dial><Sip>sip:a@b</Sip></Dial>", "<?xml version=\"1.0\"?><Twiml/>"}) {
    auto doc = parse_twiml(xml);
    ASSERT_FALSE(doc.has_value()) << xml;
    EXPECT_EQ(doc.error().code, 12102) << xml;
  }
}

TEST(Parse, EmptyResponseAndDeclarationAreFine) {
  EXPECT_TRUE(parse("<Response/>").verbs.empty());
  Document doc =
      parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- hi -->\n<Response>\n</Response>\n");
  EXPECT_TRUE(doc.verbs.empty());
  EXPECT_TRUE(doc.warnings.empty());
}

// ---- twiml.schema --------------------------------------------------------------------------

TEST(Schema, UnknownVerbIsSkippedWithItsChildrenAndTheRestRuns) {
  Document doc = parse(
      "<Response><Gather><Say>press 1</Say></Gather><Conference>room</Conference>"
      "<Dial><Sip>sip:a@example.com</Sip></Dial><Hangup/></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{12200, 12200}));
  EXPECT_EQ(doc.warnings[0].level(), AlertLevel::warning);
  EXPECT_NE(doc.warnings[0].message.find("<Gather>"), std::string::npos);
  ASSERT_EQ(doc.verbs.size(), 2u);
  EXPECT_EQ(name_of(doc.verbs[0]), "Dial");
  EXPECT_EQ(name_of(doc.verbs[1]), "Hangup");
}

TEST(Schema, NamesAreCaseSensitive) {
  Document doc = parse("<Response><dial><Sip>sip:a@b</Sip></dial><SAY>x</SAY></Response>");
  EXPECT_TRUE(doc.verbs.empty());
  EXPECT_EQ(codes(doc), (std::vector<int>{12200, 12200}));
}

TEST(Schema, UnknownAttributeIsIgnoredWithAWarning) {
  Document doc = parse(
      "<Response><Dial colour=\"blue\" timeout=\"12\"><Sip "
      "shout=\"1\">sip:a@b</Sip></Dial></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{12200, 12200}));
  EXPECT_EQ(doc.warnings[0].message,
            "Attribute 'shout' is not allowed to appear in element 'Sip'; ignored");
  EXPECT_EQ(doc.warnings[1].message,
            "Attribute 'colour' is not allowed to appear in element 'Dial'; ignored");
  ASSERT_EQ(doc.verbs.size(), 1u);
  EXPECT_EQ(std::get<Dial>(doc.verbs[0]).timeout.value, 12);
}

TEST(Schema, MisplacedElementsAreSkipped) {
  Document doc = parse(
      "<Response><Sip>sip:x@y</Sip><Dial><Say>hi</Say><Sip>sip:a@b<Number>+1</Number></Sip></Dial>"
      "<Say>ok</Say></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{12200, 12200, 12200}));
  ASSERT_EQ(doc.verbs.size(), 2u);
  const Dial& dial = std::get<Dial>(doc.verbs[0]);
  ASSERT_EQ(dial.nouns.size(), 1u);
  EXPECT_EQ(std::get<Sip>(dial.nouns[0]).uri, "sip:a@b");
}

TEST(Schema, DialLeftWithoutNounsStaysForTheEngineToFail) {
  Document doc = parse("<Response><Dial><Queue>support</Queue></Dial></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});
  ASSERT_EQ(doc.verbs.size(), 1u);
  EXPECT_TRUE(std::get<Dial>(doc.verbs[0]).nouns.empty());
}

TEST(Schema, TextOutsideVerbsIsWarnedAbout) {
  Document doc = parse("<Response>hello<Hangup/></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});
  EXPECT_EQ(doc.verbs.size(), 1u);
}

TEST(Schema, UnimplementedVerbsAreUnknown) {
  for (std::string_view verb :
       {"Conference", "Queue", "Gather", "Record", "Enqueue", "Sim", "Leave", "Connect"}) {
    Document doc = parse("<Response><" + std::string(verb) + "/></Response>");
    EXPECT_TRUE(doc.verbs.empty()) << verb;
    EXPECT_EQ(codes(doc), std::vector<int>{12200}) << verb;
  }
}

// ---- <Dial> --------------------------------------------------------------------------------

TEST(Dial, Defaults) {
  Dial d = only<Dial>("<Dial><Sip>sip:a@b</Sip></Dial>");
  EXPECT_FALSE(d.action.has_value());
  EXPECT_EQ(d.method.value, HttpMethod::post);
  EXPECT_FALSE(d.method.given());
  EXPECT_EQ(d.timeout.value, 30);
  EXPECT_FALSE(d.answer_on_bridge.value);
  EXPECT_FALSE(d.caller_id.has_value());
  EXPECT_FALSE(d.record.has_value());
  EXPECT_EQ(d.time_limit.value, 14400);
  EXPECT_FALSE(d.hangup_on_star.value);
  EXPECT_FALSE(d.refer_url.has_value());
  EXPECT_EQ(d.refer_method.value, HttpMethod::post);
  EXPECT_FALSE(d.sequential.value);
}

TEST(Dial, EveryAttribute) {
  Dial d = only<Dial>(
      "<Dial action=\"/after\" method=\"GET\" timeout=\"20\" answerOnBridge=\"true\" "
      "callerId=\"+15005550006\" "
      "record=\"record-from-answer-dual\" timeLimit=\"60\" hangupOnStar=\"true\" "
      "referUrl=\"refer?x=1\" "
      "referMethod=\"get\" sequential=\"TRUE\" ringTone=\"de\" trim=\"do-not-trim\" "
      "recordingStatusCallback=\"/rec\" "
      "recordingStatusCallbackMethod=\"GET\" recordingStatusCallbackEvent=\"completed\" "
      "recordingTrack=\"both\" "
      "callReason=\"x\"><Sip>sip:a@b</Sip></Dial>");
  EXPECT_EQ(d.action, "/after");
  EXPECT_EQ(d.method.value, HttpMethod::get);
  EXPECT_EQ(d.timeout.value, 20);
  EXPECT_EQ(d.timeout.raw, "20");
  EXPECT_TRUE(d.answer_on_bridge.value);
  EXPECT_EQ(d.caller_id, "+15005550006");
  EXPECT_EQ(d.record, "record-from-answer-dual");
  EXPECT_EQ(d.time_limit.value, 60);
  EXPECT_TRUE(d.hangup_on_star.value);
  EXPECT_EQ(d.refer_url, "refer?x=1");
  EXPECT_EQ(d.refer_method.value, HttpMethod::get);
  EXPECT_TRUE(d.sequential.value);
}

// dial.timeout: out-of-range values are clamped (REF); the raw text stays for the log.
TEST(Dial, TimeoutIsClampedToFiveTo600) {
  EXPECT_EQ(only<Dial>("<Dial timeout=\"3\"/>").timeout.value, 5);
  EXPECT_EQ(only<Dial>("<Dial timeout=\"3\"/>").timeout.raw, "3");
  EXPECT_EQ(only<Dial>("<Dial timeout=\"-7\"/>").timeout.value, 5);
  EXPECT_EQ(only<Dial>("<Dial timeout=\"601\"/>").timeout.value, 600);
  EXPECT_EQ(only<Dial>("<Dial timeout=\" 45 \"/>").timeout.value, 45);
  EXPECT_EQ(only<Dial>("<Dial timeout=\"99999999999999999999\"/>").timeout.value, 600);
  EXPECT_EQ(only<Dial>("<Dial timeLimit=\"0\"/>").time_limit.value, 1);
  EXPECT_EQ(only<Dial>("<Dial timeLimit=\"86400\"/>").time_limit.value, 14400);
}

TEST(Dial, BadValuesAreWarnedAboutAndDefaulted) {
  Document doc = parse(
      "<Response><Dial timeout=\"soon\" method=\"PUT\" referMethod=\"PATCH\" "
      "answerOnBridge=\"yes\" "
      "record=\"sometimes\"/></Response>");
  // Attribute order is the reader's: method, timeout, answerOnBridge, record, referMethod.
  EXPECT_EQ(codes(doc), (std::vector<int>{13210, 12200, 12200, 12200, 12200}));
  const Dial& d = std::get<Dial>(doc.verbs.at(0));
  EXPECT_EQ(d.timeout.value, 30);
  EXPECT_EQ(d.timeout.raw, "soon");
  EXPECT_EQ(d.method.value, HttpMethod::post);
  EXPECT_EQ(d.method.raw, "PUT");
  EXPECT_EQ(d.refer_method.value, HttpMethod::post);
  EXPECT_FALSE(d.answer_on_bridge.value);
  EXPECT_FALSE(d.record.has_value());
  EXPECT_EQ(doc.warnings[0].message, "<Dial> method 'PUT' is not GET or POST; POST is used");
}

TEST(Dial, PlainTextIsANumber) {
  Dial d = only<Dial>("<Dial> +15005550006 </Dial>");
  ASSERT_EQ(d.nouns.size(), 1u);
  EXPECT_EQ(std::get<Number>(d.nouns[0]).number, "+15005550006");
}

TEST(Dial, ThreeMixedNounsKeepTheirOrder) {
  Dial d = only<Dial>(
      "<Dial sequential=\"true\">\n"
      "  <Number sendDigits=\"wW1234#\">+15005550006</Number>\n"
      "  <Sip username=\"admin\" password=\"1234\">sip:alice@example.com;transport=tcp</Sip>\n"
      "  <Client>jenny</Client>\n"
      "</Dial>");
  ASSERT_EQ(d.nouns.size(), 3u);
  EXPECT_EQ(name_of(d.nouns[0]), "Number");
  EXPECT_EQ(name_of(d.nouns[1]), "Sip");
  EXPECT_EQ(name_of(d.nouns[2]), "Client");
  EXPECT_EQ(std::get<Number>(d.nouns[0]).send_digits, "wW1234#");
  EXPECT_EQ(std::get<Sip>(d.nouns[1]).uri, "sip:alice@example.com;transport=tcp");
  EXPECT_EQ(std::get<Sip>(d.nouns[1]).username, "admin");
  EXPECT_EQ(std::get<Client>(d.nouns[2]).identity, "jenny");
}

// ---- nouns ---------------------------------------------------------------------------------

TEST(SipNoun, EveryAttribute) {
  Dial d = only<Dial>(
      "<Dial><Sip username=\"u\" password=\"p\" url=\"/screen\" method=\"GET\" "
      "statusCallback=\"/status\" "
      "statusCallbackEvent=\"initiated  ringing\nanswered completed\" statusCallbackMethod=\"GET\" "
      "machineDetection=\"Enable\">\n   sip:kate@example.com   \n</Sip></Dial>");
  const Sip& s = std::get<Sip>(d.nouns.at(0));
  EXPECT_EQ(s.uri, "sip:kate@example.com");
  EXPECT_EQ(s.username, "u");
  EXPECT_EQ(s.password, "p");
  EXPECT_EQ(s.url, "/screen");
  EXPECT_EQ(s.method.value, HttpMethod::get);
  EXPECT_EQ(s.status_callback.url, "/status");
  EXPECT_EQ(s.status_callback.events,
            (std::vector<CallEvent>{CallEvent::initiated, CallEvent::ringing, CallEvent::answered,
                                    CallEvent::completed}));
  EXPECT_EQ(s.status_callback.method.value, HttpMethod::get);
}

TEST(SipNoun, DefaultsAndBadValues) {
  Document doc = parse(
      "<Response><Dial><Sip method=\"put\" statusCallbackEvent=\"ringing hangup\" "
      "statusCallbackMethod=\"DELETE\">kate@example.com</Sip></Dial></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{13241, 12200, 12200}));
  const Sip& s = std::get<Sip>(std::get<Dial>(doc.verbs.at(0)).nouns.at(0));
  EXPECT_EQ(s.uri, "kate@example.com");  // the scheme is the engine's business (sip.uri.valid)
  EXPECT_EQ(s.method.value, HttpMethod::post);
  EXPECT_EQ(s.status_callback.events, std::vector<CallEvent>{CallEvent::ringing});
  EXPECT_EQ(s.status_callback.method.value, HttpMethod::post);
  EXPECT_FALSE(s.url.has_value());
  EXPECT_FALSE(s.username.has_value());
}

TEST(NumberNoun, EveryAttribute) {
  Dial d = only<Dial>(
      "<Dial><Number url=\"/whisper\" method=\"GET\" sendDigits=\"1234\" "
      "statusCallback=\"https://x.example/s\" "
      "statusCallbackEvent=\"completed\" byoc=\"BYxxx\">+15005550006</Number></Dial>");
  const Number& n = std::get<Number>(d.nouns.at(0));
  EXPECT_EQ(n.number, "+15005550006");
  EXPECT_EQ(n.url, "/whisper");
  EXPECT_EQ(n.method.value, HttpMethod::get);
  EXPECT_EQ(n.send_digits, "1234");
  EXPECT_EQ(n.status_callback.url, "https://x.example/s");
  EXPECT_EQ(n.status_callback.events, std::vector<CallEvent>{CallEvent::completed});
}

TEST(NumberNoun, BadMethodIs13221AndBadDigits12200) {
  Document doc = parse(
      "<Response><Dial><Number method=\"HEAD\" sendDigits=\"12x\">+1</Number></Dial></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{13221, 12200}));
  const Number& n = std::get<Number>(std::get<Dial>(doc.verbs.at(0)).nouns.at(0));
  EXPECT_EQ(n.method.value, HttpMethod::post);
  EXPECT_FALSE(n.send_digits.has_value());
}

TEST(ClientNoun, TextOrIdentityWithParameters) {
  Dial d = only<Dial>(
      "<Dial><Client url=\"/c\" method=\"GET\" statusCallback=\"/s\" "
      "statusCallbackEvent=\"ringing\">"
      "<Identity> alice </Identity><Parameter name=\"FirstName\" value=\"Alice\"/>"
      "<Parameter name=\"Empty\"/></Client><Client>bob</Client></Dial>");
  ASSERT_EQ(d.nouns.size(), 2u);
  const Client& alice = std::get<Client>(d.nouns[0]);
  EXPECT_EQ(alice.identity, "alice");
  EXPECT_EQ(alice.parameters, (std::vector<Parameter>{{"FirstName", "Alice"}, {"Empty", ""}}));
  EXPECT_EQ(alice.url, "/c");
  EXPECT_EQ(alice.method.value, HttpMethod::get);
  EXPECT_EQ(alice.status_callback.events, std::vector<CallEvent>{CallEvent::ringing});
  EXPECT_EQ(std::get<Client>(d.nouns[1]).identity, "bob");
}

TEST(ClientNoun, ParameterWithoutNameIsSkipped) {
  Document doc =
      parse("<Response><Dial><Client>a<Parameter value=\"v\"/><Other/></Client></Dial></Response>");
  EXPECT_EQ(codes(doc), (std::vector<int>{12200, 12200}));
  EXPECT_TRUE(std::get<Client>(std::get<Dial>(doc.verbs.at(0)).nouns.at(0)).parameters.empty());
}

// Seed 004 (Application Connect), with the SID both as <ApplicationSid> and as text.
TEST(ApplicationNoun, SeedExample) {
  Dial d = only<Dial>(
      "<Dial action=\"http://example.com/your-action-endpoint\">\n"
      "  <Application copyParentTo=\"true\" customerId=\"CustomerFriendlyName\">\n"
      "  <ApplicationSid>AP1234567890abcdef1234567890abcd</ApplicationSid>\n"
      "    <Parameter name=\"AccountNumber\" value=\"12345\"/>\n"
      "    <Parameter name=\"TicketNumber\" value=\"9876\"/>\n"
      "  </Application>\n"
      "</Dial>");
  const Application& a = std::get<Application>(d.nouns.at(0));
  EXPECT_EQ(a.sid, "AP1234567890abcdef1234567890abcd");
  EXPECT_TRUE(a.copy_parent_to.value);
  EXPECT_EQ(a.customer_id, "CustomerFriendlyName");
  EXPECT_EQ(a.parameters,
            (std::vector<Parameter>{{"AccountNumber", "12345"}, {"TicketNumber", "9876"}}));

  Dial text =
      only<Dial>("<Dial><Application>APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</Application></Dial>");
  const Application& b = std::get<Application>(text.nouns.at(0));
  EXPECT_EQ(b.sid, "APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  EXPECT_FALSE(b.copy_parent_to.value);
  EXPECT_FALSE(b.customer_id.has_value());
}

// ---- the other verbs -----------------------------------------------------------------------

TEST(Say, TextAndAttributes) {
  Say s =
      only<Say>("<Say voice=\"woman\" language=\"en-GB\" loop=\"2\">  Hello &amp; welcome  </Say>");
  EXPECT_EQ(s.text, "Hello & welcome");
  EXPECT_EQ(s.loop.value, 2);
  EXPECT_EQ(s.voice, "woman");
  EXPECT_EQ(s.language, "en-GB");
  EXPECT_EQ(only<Say>("<Say>x</Say>").loop.value, 1);
  EXPECT_EQ(only<Say>("<Say loop=\"0\">x</Say>").loop.value, 0);  // until hang-up
}

TEST(Say, EntitiesAndCdataAreText) {
  EXPECT_EQ(only<Say>("<Say><![CDATA[Tom & Jerry <3]]></Say>").text, "Tom & Jerry <3");
  EXPECT_EQ(only<Say>("<Say>A&#38;B &#x263A; &lt;&gt;&quot;&apos;</Say>").text,
            "A&B \xe2\x98\xba <>\"'");
}

TEST(Say, SsmlMarkupKeepsItsText) {
  Say s = only<Say>(
      "<Say>Hi <break strength=\"x-weak\" time=\"100ms\"/><emphasis>there</emphasis></Say>");
  EXPECT_EQ(s.text, "Hi there");
}

TEST(Play, UrlAndLoop) {
  Play p = only<Play>("<Play loop=\"3\" digits=\"ww1\">https://api.twilio.com/cowbell.mp3</Play>");
  EXPECT_EQ(p.url, "https://api.twilio.com/cowbell.mp3");
  EXPECT_EQ(p.loop.value, 3);
  EXPECT_EQ(p.digits, "ww1");
}

TEST(Pause, LengthDefaultsToOne) {
  EXPECT_EQ(only<Pause>("<Pause/>").length.value, 1);
  EXPECT_EQ(only<Pause>("<Pause length=\"5\"/>").length.value, 5);
  EXPECT_EQ(only<Pause>("<Pause length=\"0\"/>").length.value, 1);
  Document doc = parse("<Response><Pause length=\"1.5\"/></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});
  EXPECT_EQ(std::get<Pause>(doc.verbs.at(0)).length.value, 1);
}

TEST(Redirect, UrlAndMethod) {
  Redirect r = only<Redirect>("<Redirect method=\"GET\">../next?step=2</Redirect>");
  EXPECT_EQ(r.url, "../next?step=2");
  EXPECT_EQ(r.method.value, HttpMethod::get);
  EXPECT_EQ(only<Redirect>("<Redirect>/x</Redirect>").method.value, HttpMethod::post);
  Document doc = parse("<Response><Redirect method=\"PUT\">/x</Redirect></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});  // "12200 elsewhere" (webhook.method)
}

TEST(Reject, ReasonAndParameters) {
  EXPECT_EQ(only<Reject>("<Reject/>").reason.value, RejectReason::rejected);
  EXPECT_EQ(only<Reject>("<Reject reason=\"busy\"/>").reason.value, RejectReason::busy);
  EXPECT_EQ(only<Reject>("<Reject reason=\"rejected\"/>").reason.value, RejectReason::rejected);
  Reject r = only<Reject>("<Reject><Parameter name=\"CallState\" value=\"refused\"/></Reject>");
  EXPECT_EQ(r.parameters, std::vector<Parameter>({{"CallState", "refused"}}));
  // twiml.reject: another reason is 12200 and treated as rejected
  Document doc = parse("<Response><Reject reason=\"Busy\"/></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});
  EXPECT_EQ(std::get<Reject>(doc.verbs.at(0)).reason.value, RejectReason::rejected);
  EXPECT_EQ(std::get<Reject>(doc.verbs.at(0)).reason.raw, "Busy");
}

// Seed 004: return parameters on <Hangup>.
TEST(Hangup, Parameters) {
  Document doc = parse(
      "<Response>\n <Pause length=\"1\"/>\n <Say>Congratulations, Your Application "
      "connected!</Say>\n <Hangup>\n"
      "   <Parameter name=\"AgentName\" value=\"Alice\"/>\n   <Parameter name=\"CallDuration\" "
      "value=\"342\"/>\n"
      " </Hangup>\n</Response>");
  EXPECT_TRUE(doc.warnings.empty());
  ASSERT_EQ(doc.verbs.size(), 3u);
  EXPECT_EQ(std::get<Hangup>(doc.verbs[2]).parameters,
            (std::vector<Parameter>{{"AgentName", "Alice"}, {"CallDuration", "342"}}));
}

TEST(Refer, SipTargetActionMethod) {
  Refer r = only<Refer>(
      "<Refer action=\"/refer-done\" "
      "method=\"GET\"><Sip>sip:alice@example.com?X-Key=1&amp;User-to-User=a%3Bb</Sip>"
      "</Refer>");
  EXPECT_EQ(r.sip, "sip:alice@example.com?X-Key=1&User-to-User=a%3Bb");
  EXPECT_EQ(r.action, "/refer-done");
  EXPECT_EQ(r.method.value, HttpMethod::get);
  Document doc = parse("<Response><Refer/><Hangup/></Response>");
  EXPECT_EQ(codes(doc), std::vector<int>{12200});
  ASSERT_EQ(doc.verbs.size(), 1u);
  EXPECT_EQ(name_of(doc.verbs[0]), "Hangup");
}

TEST(Refer, FuzzSipWithAControlByteIsSkipped) {
  // Found by twiml_parser_fuzz: the <Sip> text goes into Refer-To as written, so a control byte
  // (or a line break written as &#10;) reached the REFER; such a <Refer> is skipped with 12200.
  std::string found = "<Response><Refer action=\"/after\"><Sip>sip:agent@example.com?X-Info" +
                      std::string(72, '\x1d') + "=abc</Sip></Refer></Response>";
  std::string line_break =
      "<Response><Refer><Sip>sip:a@example.com&#13;&#10;Via: SIP/2.0/UDP evil</Sip></Refer>"
      "<Hangup/></Response>";
  for (const std::string& xml : {found, line_break}) {
    Document doc = parse(xml);
    EXPECT_EQ(codes(doc), std::vector<int>{12200}) << xml;
    EXPECT_TRUE(
        std::ranges::none_of(doc.verbs, [](const Verb& v) { return name_of(v) == "Refer"; }));
  }
}

// ---- the seed documents --------------------------------------------------------------------

// Seed 003: UUI and a custom header; "&amp;" is one '&' in the text, "%3B" stays as written.
TEST(Seeds, UserToUserHeaderKeepsAmpersandAndEscapes) {
  Dial d = only<Dial>(
      "<Dial>\n<Sip>sip:jack@example.com?User-to-User=123456789%3Bencoding%3Dhex&amp;x-"
      "myotherheader=bar</Sip>\n"
      "</Dial>");
  EXPECT_EQ(std::get<Sip>(d.nouns.at(0)).uri,
            "sip:jack@example.com?User-to-User=123456789%3Bencoding%3Dhex&x-myotherheader=bar");
}

TEST(Seeds, CustomHeadersAndEdge) {
  Document doc = parse(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>\n<Dial>\n"
      "<Sip>sip:+14158675309@your.domain?X-customName=Bob%2CShield%2BTitle%2DManager&amp;X-"
      "otherHeader=true</Sip>\n"
      "</Dial>\n<Dial><Sip>sip:alice@example.com;edge=frankfurt</Sip></Dial>\n</Response>");
  ASSERT_EQ(doc.verbs.size(), 2u);
  EXPECT_EQ(std::get<Sip>(std::get<Dial>(doc.verbs[0]).nouns.at(0)).uri,
            "sip:+14158675309@your.domain?X-customName=Bob%2CShield%2BTitle%2DManager&X-"
            "otherHeader=true");
  EXPECT_EQ(std::get<Sip>(std::get<Dial>(doc.verbs[1]).nouns.at(0)).uri,
            "sip:alice@example.com;edge=frankfurt");
}

// Seed 001: referUrl with answerOnBridge, and the referUrl TwiML.
TEST(Seeds, InboundReferDocuments) {
  Dial d = only<Dial>(
      "<Dial answerOnBridge=\"true\" referUrl=\"https://example.com/handler\">"
      "<Sip>sip:AgentA@xyz.sip.us1.twilio.com?User-to-User=123456789%3Bencoding%3Dhex&amp;X-Name="
      "Agent%2C+A</Sip>"
      "</Dial>");
  EXPECT_TRUE(d.answer_on_bridge.value);
  EXPECT_EQ(d.refer_url, "https://example.com/handler");
  EXPECT_EQ(std::get<Sip>(d.nouns.at(0)).uri,
            "sip:AgentA@xyz.sip.us1.twilio.com?User-to-User=123456789%3Bencoding%3Dhex&X-Name="
            "Agent%2C+A");
  Dial target = only<Dial>("<Dial><Sip>sip:AGENTB@YOURDOMAIN.sip.us1.twilio.com</Sip></Dial>");
  EXPECT_FALSE(target.refer_url.has_value());
}

// Seed 001 as the provider's page prints it: a raw '&' in the text is not XML (12100).
TEST(Seeds, RawAmpersandIsNotWellFormed) {
  auto doc = parse_twiml(
      "<Response><Dial "
      "referUrl=\"https://example.com/handler\"><Sip>sip:AgentA@xyz?User-to-User=1&X-Name=A</Sip>"
      "</Dial></Response>");
  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code, 12100);
}

// Seed 000: multidial, simultaneous and sequential.
TEST(Seeds, Multidial) {
  Dial d = only<Dial>(
      "<Dial sequential=\"true\"><Sip>sip:alice@example.com</Sip><Sip>sip:bob@example.com</Sip>"
      "<Number>+14155551212</Number><Client>charlie</Client></Dial>");
  EXPECT_TRUE(d.sequential.value);
  EXPECT_EQ(d.nouns.size(), 4u);
}

}  // namespace
}  // namespace sipref::twiml
