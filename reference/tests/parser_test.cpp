// The message parser against RFC 4475 (one group per section, each case citing the requirement
// it checks) and against RFC 3261 §7/§18.3 framing, limits, salvaging and stream framing.
// The RFC 4475 messages live byte-exact in data/rfc4475/<test name>.sip (CRLF line ends).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sip/headers.h"
#include "sip/parser.h"
#include "sip/uri.h"

namespace sipref::sip {
namespace {

std::string rfc4475(const std::string& name) {
  std::ifstream file(std::string(SIPREF_TEST_DATA) + "/rfc4475/" + name + ".sip", std::ios::binary);
  EXPECT_TRUE(file) << "missing data file rfc4475/" << name << ".sip";
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

std::string crlf(std::string text) {  // writes "\n" as CRLF, for readable inline messages
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return out;
}

const std::string kOptions = crlf(
    "OPTIONS sip:bob@example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\n"
    "Max-Forwards: 70\n"
    "To: <sip:bob@example.com>\n"
    "From: <sip:alice@example.com>;tag=1\n"
    "Call-ID: abc@192.0.2.1\n"
    "CSeq: 1 OPTIONS\n");

// kOptions with its From (line 5) replaced.
std::string with_from(const std::string& from) {
  std::size_t at = kOptions.find("From:"), end = kOptions.find('\n', at) + 1;
  return kOptions.substr(0, at) + "From: " + from + "\r\n" + kOptions.substr(end);
}

// ---- RFC 4475 §3.1.1: valid messages every parser must accept

struct ValidCase {
  const char* name;
  const char* section;
  const char* exercises;
};

class Rfc4475Valid : public ::testing::TestWithParam<ValidCase> {};

TEST_P(Rfc4475Valid, Parses) {
  auto [name, section, exercises] = GetParam();
  auto message = parse_message(rfc4475(name));
  EXPECT_TRUE(message) << "RFC 4475 " << section << " " << name << " (" << exercises << ")\n"
                       << "Expected: parsed\nActual:   " << message.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Section3_1_1, Rfc4475Valid,
    ::testing::Values(ValidCase{"wsinv", "§3.1.1.1", "folding, LWS, compact forms, escaped quotes"},
                      ValidCase{"intmeth", "§3.1.1.2", "every token character, quoted NUL, UTF-8"},
                      ValidCase{"esc01", "§3.1.1.3", "valid % escapes"},
                      ValidCase{"escnull", "§3.1.1.4", "escaped NULs in URIs"},
                      ValidCase{"esc02", "§3.1.1.5", "% that is not an escape"},
                      ValidCase{"lwsdisp", "§3.1.1.6", "no LWS between display name and <"},
                      ValidCase{"longreq", "§3.1.1.7", "long values, 34 Via lines"},
                      ValidCase{"dblreq", "§3.1.1.8",
                                "extra octets after the message in a datagram"},
                      ValidCase{"semiuri", "§3.1.1.9", "';' in the URI user part"},
                      ValidCase{"transports", "§3.1.1.10", "unknown transports"},
                      ValidCase{"mpart01", "§3.1.1.11", "binary multipart body with NULs"},
                      ValidCase{"unreason", "§3.1.1.12", "UTF-8 reason phrase"},
                      ValidCase{"noreason", "§3.1.1.13", "empty reason phrase"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Rfc4475Details, WsinvUnfoldsExpandsAndSplits) {
  auto m = parse_message(rfc4475("wsinv"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->method(), "INVITE");
  EXPECT_EQ(m->request_uri(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
  EXPECT_EQ(m->header("To"), "sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
  EXPECT_EQ(m->header("From"),
            R"("J Rosenberg \\\""       <sip:jdrosen@example.com> ; tag = 98asjd8)");
  EXPECT_EQ(m->header("Max-Forwards"), "0068");
  EXPECT_EQ(m->header("CSeq"), "0009 INVITE");
  EXPECT_EQ(m->header("Subject"), "");
  EXPECT_EQ(m->header("NewFangledHeader"), "newfangled value continued newfangled value");
  EXPECT_EQ(m->header("UnknownHeaderWithUnusualValue"), ";;,,;;,;");  // not a list: kept whole
  auto vias = m->all("Via");
  ASSERT_EQ(vias.size(), 3u);
  EXPECT_EQ(parse_via(vias[0])->host, "192.0.2.2");
  EXPECT_EQ(parse_via(vias[1])->branch(), "z9hG4bK9ikj8");
  EXPECT_EQ(parse_via(vias[2])->branch(), "z9hG4bK30239");
  auto contact = parse_name_addr(*m->header("Contact"));
  ASSERT_TRUE(contact) << contact.error().message;
  EXPECT_EQ(contact->display_name, R"(Quoted string "")");
  EXPECT_EQ(contact->params.get("q"), "0.33");
  EXPECT_EQ(contact->params.get("newparam"), "newvalue");
  EXPECT_EQ(m->body().size(), 150u);
  EXPECT_EQ(m->headers().front().name, "To");  // "TO" canonicalised
}

TEST(Rfc4475Details, IntmethKeepsUnusualCharacters) {
  auto m = parse_message(rfc4475("intmeth"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->method(), "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m->header("Call-ID"), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  auto to = parse_name_addr(*m->header("To"));
  ASSERT_TRUE(to);
  EXPECT_EQ(to->display_name, std::string("BEL:\x07 NUL:") + '\0' + " DEL:\x7F");
  EXPECT_TRUE(m->has("extensionHeader-!.%*+_`'~"));
}

TEST(Rfc4475Details, DblreqKeepsOnlyTheFirstMessage) {
  auto m = parse_message(rfc4475("dblreq"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), "REGISTER");
  EXPECT_EQ(m->body(), "");  // the trailing INVITE is discarded (RFC 3261 §18.3)
}

TEST(Rfc4475Details, Esc02PercentInMethodIsNotAnEscape) {
  auto m = parse_message(rfc4475("esc02"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->method(), "RE%47IST%45R");
  EXPECT_EQ(m->count("Contact"), 2u);  // "C%6Fntact" is another header
  EXPECT_TRUE(m->has("C%6Fntact"));
}

TEST(Rfc4475Details, ResponsesKeepTheirReasonPhrase) {
  auto unreason = parse_message(rfc4475("unreason"));
  ASSERT_TRUE(unreason);
  EXPECT_EQ(unreason->status(), 200);
  EXPECT_EQ(unreason->reason().substr(0, 14), "= 2**3 * 5**2 ");
  auto noreason = parse_message(rfc4475("noreason"));
  ASSERT_TRUE(noreason);
  EXPECT_EQ(noreason->status(), 100);  // Message::response fills in the default reason
}

TEST(Rfc4475Details, Mpart01BodyIsFramedByContentLength) {
  auto m = parse_message(rfc4475("mpart01"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body().size(), 553u);
  EXPECT_NE(m->body().find(std::string("\x95\x00q", 3)), std::string::npos);  // NUL survives
}

// ---- RFC 4475 §3.1.2: invalid messages, each refused with a precise error
//
// Several of these fit the generic message grammar and break only a rule of one header or of the
// start line, which RFC 4475 lets the layer that knows the rule enforce. The parser knows these
// rules, so it refuses all nineteen itself: escruri (RFC 3261 §19.1.1: no headers in a
// Request-URI), baddate (§20.17: rfc1123-date is in GMT), regbadct (§20: a URI with '?' in a
// Contact needs <>), mismatch01/02 (§8.1.1.5: the CSeq method is the request's), scalar02 and
// scalarlg (§8.1.1.5: CSeq below 2**31; the overlarge Max-Forwards, Expires and Retry-After in
// them come later in the message).

struct InvalidCase {
  const char* name;
  const char* section;
  const char* error;  // distinctive part of the expected error
};

class Rfc4475Invalid : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(Rfc4475Invalid, IsRefused) {
  auto [name, section, error] = GetParam();
  auto message = parse_message(rfc4475(name));
  ASSERT_FALSE(message) << "RFC 4475 " << section << " " << name
                        << "\nExpected: error containing \"" << error << "\"\nActual:   parsed";
  EXPECT_NE(message.error().message.find(error), std::string::npos)
      << "RFC 4475 " << section << " " << name << "\nExpected: error containing \"" << error
      << "\"\nActual:   " << message.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Section3_1_2, Rfc4475Invalid,
    ::testing::Values(
        InvalidCase{"badinv01", "§3.1.2.1", "line 7: Via header: empty element"},
        InvalidCase{"clerr", "§3.1.2.2",
                    "line 10: Content-Length 9999 is larger than the 154 bytes"},
        InvalidCase{"ncl", "§3.1.2.3", "line 10: Content-Length '-999' is not a non-negative"},
        InvalidCase{
            "scalar02", "§3.1.2.4",
            "line 5: CSeq header: sequence number '36893488147419103232' is not below 2**31"},
        InvalidCase{"scalarlg", "§3.1.2.5",
                    "line 5: CSeq header: sequence number '9292394834772304023312'"},
        InvalidCase{"quotbal", "§3.1.2.6", "line 2: To header: unterminated quoted string"},
        InvalidCase{"ltgtruri", "§3.1.2.7", "line 1: the Request-URI must not be enclosed in <>"},
        InvalidCase{"lwsruri", "§3.1.2.8", "line 1: request line has 4 space-separated elements"},
        InvalidCase{"lwsstart", "§3.1.2.9",
                    "line 1: request line elements must be separated by exactly one SP"},
        InvalidCase{"trws", "§3.1.2.10", "line 1: whitespace at the end of the request line"},
        InvalidCase{"escruri", "§3.1.2.11",
                    "line 1: Request-URI: headers ('?...') are not allowed"},
        InvalidCase{
            "baddate", "§3.1.2.12",
            "line 8: Date header: 'Fri, 01 Jan 2010 16:00:00 EST' is not an RFC 1123 date in GMT"},
        InvalidCase{"regbadct", "§3.1.2.13",
                    "line 8: Contact header: URI "
                    "'sip:user@example.com?Route=%3Csip:sip.example.com%3E' contains '?'"},
        InvalidCase{"badaspec", "§3.1.2.14", "line 5: To header: whitespace inside <>"},
        InvalidCase{"baddn", "§3.1.2.15",
                    "line 4: From header: display name 'Bell, Alexander' has ','"},
        InvalidCase{"badvers", "§3.1.2.16", "unsupported version 'SIP/7.0'"},
        InvalidCase{
            "mismatch01", "§3.1.2.17",
            "line 6: CSeq header: method 'INVITE' does not match the request method 'OPTIONS'"},
        InvalidCase{
            "mismatch02", "§3.1.2.18",
            "line 6: CSeq header: method 'INVITE' does not match the request method 'NEWMETHOD'"},
        InvalidCase{"bigcode", "§3.1.2.19",
                    "line 1: status code '4294967301' is not a three-digit number"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Rfc4475Invalid, BadversStartsWithTheVersionPrefixTheTransportMapsTo505) {
  auto message = parse_message(rfc4475("badvers"));
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().message.rfind("unsupported version", 0), 0u) << message.error().message;
}

// ---- RFC 4475 §3.2-§3.4: syntactically valid messages the transaction, application or
// compatibility layers judge, plus the three the parser can already refuse (RFC 4475 says they
// deserve a 400: missing or duplicated mandatory headers, several Content-Length values).

class Rfc4475LaterLayers : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(Rfc4475LaterLayers, ParseOutcome) {
  auto [name, section, error] = GetParam();
  auto message = parse_message(rfc4475(name));
  if (std::string(error).empty()) {
    EXPECT_TRUE(message) << "RFC 4475 " << section << " " << name
                         << "\nExpected: parsed\nActual:   " << message.error().message;
  } else {
    ASSERT_FALSE(message) << "RFC 4475 " << section << " " << name << " parsed";
    EXPECT_NE(message.error().message.find(error), std::string::npos) << message.error().message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Sections3_2To3_4, Rfc4475LaterLayers,
    ::testing::Values(
        InvalidCase{"badbranch", "§3.2.1", ""},  // the transaction layer's concern
        InvalidCase{"insuf", "§3.3.1", "missing mandatory header(s): From, To, Call-ID"},
        InvalidCase{"unkscm", "§3.3.2", ""},   // 416 from the core
        InvalidCase{"novelsc", "§3.3.3", ""},  // 416 from the core
        InvalidCase{"unksm2", "§3.3.4", ""},
        InvalidCase{"bext01", "§3.3.5", ""},  // 420 from the core
        InvalidCase{"invut", "§3.3.6", ""},   // 415 from the core
        InvalidCase{"regaut01", "§3.3.7", ""},
        InvalidCase{"multi01", "§3.3.8",
                    "line 7: CSeq header appears more than once (first on line 5)"},
        InvalidCase{"mcl01", "§3.3.9", "line 9: Content-Length appears more than once"},
        InvalidCase{"bcast", "§3.3.10", ""},
        InvalidCase{"zeromf", "§3.3.11", ""},  // 483 from the core
        InvalidCase{"cparam01", "§3.3.12", ""}, InvalidCase{"cparam02", "§3.3.13", ""},
        InvalidCase{"regescrt", "§3.3.14", ""}, InvalidCase{"sdp01", "§3.3.15", ""},
        InvalidCase{"inv2543", "§3.4.1", ""}),  // no Max-Forwards, Content-Length or branch
    [](const auto& info) { return std::string(info.param.name); });

// ---- RFC 3261 §7: start line and header fields

TEST(Parser, ParsesARequestAndSplitsListHeaders) {
  auto m = parse_message(kOptions + crlf("Allow: INVITE, ACK,BYE\nContact: *\nSupported:\n\n"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE(m->is_request());
  EXPECT_EQ(m->all("Allow"), (std::vector<std::string_view>{"INVITE", "ACK", "BYE"}));
  EXPECT_EQ(m->header("Contact"), "*");
  EXPECT_EQ(m->header("Supported"), "");
}

TEST(Parser, ExpandsCompactFormsAndAllowsWhitespaceBeforeTheColon) {
  auto m = parse_message(
      crlf("INVITE sip:b@example.com SIP/2.0\n"
           "v : SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com\n"
           "t:<sip:b@example.com>\nf\t:  <sip:a@example.com>;tag=1\ni: x\n"
           "CSeq: 1 INVITE\nm: <sip:a@192.0.2.1>\nc: text/plain\nk: 100rel\nl: 2\n\nhi"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->count("Via"), 2u);
  EXPECT_EQ(m->headers()[0].name, "Via");
  EXPECT_EQ(m->headers()[2].name, "To");
  EXPECT_EQ(m->header("From"), "<sip:a@example.com>;tag=1");
  EXPECT_EQ(m->header("Content-Type"), "text/plain");
  EXPECT_EQ(m->header("Supported"), "100rel");
  EXPECT_EQ(m->body(), "hi");
}

TEST(Parser, JoinsFoldedLinesWithOneSpace) {
  auto m = parse_message(kOptions +
                         crlf("Subject: first\n  second\n\tthird   \nX-Empty:\n   filled\n\n"));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header("Subject"), "first second third");
  EXPECT_EQ(m->header("X-Empty"), "filled");
}

TEST(Parser, AcceptsBareLfLineEndsAndIgnoresLeadingCrlfs) {
  auto m = parse_message(
      "\r\n\r\nOPTIONS sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
      "To: <sip:b@h>\nFrom: <sip:a@h>;tag=1\nCall-ID: x\nCSeq: 1 OPTIONS\n\nbody");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header("Call-ID"), "x");
  EXPECT_EQ(m->body(), "body");
}

TEST(Parser, ParsesResponsesAndRequiresTheSameMandatoryHeaders) {
  std::string headers = crlf(
      "Via: SIP/2.0/UDP h;branch=z9hG4bK1\nTo: <sip:b@h>;tag=2\n"
      "From: <sip:a@h>;tag=1\nCall-ID: x\nCSeq: 1 INVITE\n\n");
  auto m = parse_message("SIP/2.0 180 Ringing\r\n" + headers);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->status(), 180);
  EXPECT_EQ(m->reason(), "Ringing");
  EXPECT_EQ(parse_message("SIP/2.0 180\r\n" + headers)->status(),
            180);  // lenient: no SP, no reason
  auto missing = parse_message(crlf("SIP/2.0 200 OK\nVia: SIP/2.0/UDP h\nCSeq: 1 INVITE\n\n"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "missing mandatory header(s): From, To, Call-ID");
}

TEST(Parser, RefusesMalformedStartLines) {
  struct Case {
    std::string start;
    const char* error;
  };
  for (const auto& [start, error] : std::initializer_list<Case>{
           {"SIP/2.0 099 Low", "status code '099'"},
           {"SIP/2.0 700 High", "status code '700'"},
           {"SIP/2.0 2000 OK", "status code '2000'"},
           {"SIP/2.0 200 O\x01K", "control character in the reason phrase"},
           {"SIP/3.0 200 OK", "unsupported version 'SIP/3.0'"},
           {"SIP/2.0x 200 OK", "malformed SIP-Version 'SIP/2.0x'"},
           {"OPTIONS sip:bob@example.com SIP/2.1", "unsupported version 'SIP/2.1'"},
           {"OPTIONS sip:bob@example.com HTTP/1.1", "malformed SIP-Version 'HTTP/1.1'"},
           {"OPTIONS sip:bob@example.com", "request line has 2 space-separated elements"},
           {"OPT@ONS sip:bob@example.com SIP/2.0", "method 'OPT@ONS' is not a token"},
           {" OPTIONS sip:bob@example.com SIP/2.0", "exactly one SP"},
           {"OPTIONS\tsip:bob@example.com SIP/2.0", "exactly one SP"},
           {"OPTIONS sip:bob@example.com:0 SIP/2.0", "line 1: Request-URI: invalid port"},
           {"OPTIONS bob SIP/2.0", "line 1: Request-URI: 'bob' is not a URI"},
       }) {
    auto m = parse_message(start + "\r\n" + kOptions.substr(kOptions.find('\n') + 1) + "\r\n");
    ASSERT_FALSE(m) << "accepted: " << start;
    EXPECT_NE(m.error().message.find(error), std::string::npos)
        << "start line: " << start << "\nExpected: error containing " << error
        << "\nActual:   " << m.error().message;
  }
}

TEST(Parser, AcceptsNonSipRequestUris) {
  auto m = parse_message(crlf("OPTIONS tel:+1-212-555-0101 SIP/2.0\n") +
                         kOptions.substr(kOptions.find('\n') + 1) + "\r\n");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->request_uri(), "tel:+1-212-555-0101");
}

TEST(Parser, RefusesMalformedHeaderSections) {
  struct Case {
    std::string extra;
    const char* error;
  };
  for (const auto& [extra, error] : std::initializer_list<Case>{
           {"Bad Name: x\n", "line 8: invalid header name 'Bad Name'"},
           {"NoColon\n", "line 8: header line has no ':'"},
           {"X: a\rb\n", "line 8: bare CR"},
           {"Max-Forwards: 256\n", "line 8: Max-Forwards header appears more than once"},
           {"Content-Type: text/plain\nc: text/html\n",
            "line 9: Content-Type header appears more than once (first on line 8)"},
           {"Route: sip:p.example.com;lr\n", "line 8: Route header: a route must be written <uri>"},
           {"Contact: <sip:a@h>, \n", "line 8: Contact header: empty element"},
           {"Via: SIP/2.0/UDP h, junk\n", "line 8: Via header: expected '/' in the sent-protocol"},
       }) {
    auto m = parse_message(kOptions + crlf(extra + "\n"));
    ASSERT_FALSE(m) << "accepted: " << extra;
    EXPECT_NE(m.error().message.find(error), std::string::npos)
        << "extra header: " << extra << "\nExpected: error containing " << error
        << "\nActual:   " << m.error().message;
  }
  auto max_forwards = parse_message(crlf("OPTIONS sip:b@h SIP/2.0\nMax-Forwards: 256\n") +
                                    kOptions.substr(kOptions.find("To:")) + "\r\n");
  ASSERT_FALSE(max_forwards);
  EXPECT_NE(max_forwards.error().message.find(
                "line 2: Max-Forwards header: '256' is not a number from 0 to 255"),
            std::string::npos)
      << max_forwards.error().message;
  auto continuation = parse_message(crlf("OPTIONS sip:b@h SIP/2.0\n folded\n") +
                                    kOptions.substr(kOptions.find("Via:")));
  ASSERT_FALSE(continuation);
  EXPECT_NE(continuation.error().message.find("line 2: continuation line with no header field"),
            std::string::npos);
  auto unterminated = parse_message(kOptions);
  ASSERT_FALSE(unterminated);
  EXPECT_NE(unterminated.error().message.find("does not end with an empty line"),
            std::string::npos);
  EXPECT_EQ(parse_message("").error().message, "empty message");
  EXPECT_EQ(parse_message("\r\n\r\n").error().message, "empty message");
}

// RFC 3261 §25: a control character (but HTAB) only as a quoted-pair in a quoted-string or
// comment, as in RFC 4475 intmeth; anywhere else the message is malformed.
TEST(Parser, RefusesRawControlCharactersInHeaderValues) {
  using namespace std::string_literals;
  for (const std::string& extra :
       {"Subject: mal\0formed\n"s, "User-Agent: \0\n"s, "Subject: del\x7F\n"s,
        "Subject: esc\\\x01 outside quotes\n"s, "X-Q: \"raw\x01 in quotes\"\n"s,
        "Server: x (raw \x1B in a comment)\n"s}) {
    auto m = parse_message(kOptions + crlf(extra + "\n"));
    ASSERT_FALSE(m) << "accepted: " << excerpt(extra);
    EXPECT_NE(m.error().message.find("line 8: "), std::string::npos) << m.error().message;
    EXPECT_NE(m.error().message.find("control character"), std::string::npos) << m.error().message;
  }
  auto from = parse_message(with_from("\"A\x01\" <sip:a@h>;tag=1") + "\r\n");
  ASSERT_FALSE(from);
  EXPECT_NE(from.error().message.find("line 5: From header: control character '\\x01' at byte 2"),
            std::string::npos)
      << from.error().message;
}

TEST(Parser, AcceptsEscapedControlCharactersAndHtab) {
  using namespace std::string_literals;
  auto m =
      parse_message(kOptions + crlf("X-Q: \"nul \\\0 bel \\\x07\" (del \\\x7F (nested \\\x01))\n"
                                    "Subject: a\tb\n\n"s));
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->header("X-Q"), "\"nul \\\0 bel \\\x07\" (del \\\x7F (nested \\\x01))"s);
  EXPECT_EQ(m->header("Subject"), "a\tb");
}

// RFC 3261 §25: header values are UTF-8 (TEXT-UTF8); RFC 3629 rules out overlong forms,
// surrogates and code points above U+10FFFF.
TEST(Parser, RefusesInvalidUtf8InHeaderValues) {
  for (const char* extra :
       {"Subject: caf\xe9\n", "Subject: \xff\xfe\xfd\n", "Contact: \"\xc3\x28\" <sip:b@h>\n",
        "Subject: \xc0\xaf overlong\n", "Subject: \xed\xa0\x80 surrogate\n",
        "Subject: \xf4\x90\x80\x80 too high\n", "Subject: cut \xe2\x82\n",
        "Subject: \x80 continuation\n", "X-Q: \"\\\xe9\"\n"}) {
    auto m = parse_message(kOptions + crlf(extra + std::string("\n")));
    ASSERT_FALSE(m) << "accepted: " << excerpt(extra);
    EXPECT_NE(m.error().message.find("invalid UTF-8 at byte"), std::string::npos)
        << m.error().message;
  }
  auto from = parse_message(with_from("\"Jos\xe9\" <sip:a@h>;tag=1") + "\r\n");
  ASSERT_FALSE(from);
  EXPECT_NE(from.error().message.find("line 5: From header: invalid UTF-8 at byte 4: '\\xe9\" <"),
            std::string::npos)
      << from.error().message;
}

TEST(Parser, AcceptsUtf8InHeaderValues) {
  auto m =
      parse_message(with_from("\"Jos\xc3\xa9 \xe2\x82\xac\" <sip:a@h>;tag=1") +
                    "Subject: \xf0\x9d\x84\x9e \xef\xbf\xbd \xed\x9f\xbf \xf4\x8f\xbf\xbf\r\n\r\n");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(parse_name_addr(*m->header("From"))->display_name, "Jos\xc3\xa9 \xe2\x82\xac");
}

// ---- RFC 3261 §18.3: framing by Content-Length

TEST(Framing, DatagramBodyRunsToTheEndWithoutContentLength) {
  auto m = parse_message(kOptions + "\r\nbody bytes");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body(), "body bytes");
}

TEST(Framing, ExtraBytesAfterContentLengthAreDiscarded) {
  auto m = parse_message(kOptions + "Content-Length: 4\r\n\r\nbodyEXTRA");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body(), "body");
  EXPECT_EQ(m->header("Content-Length"), "4");
}

// ---- ParseLimits: every limit is enforced with an error naming it

TEST(Limits, EachLimitIsEnforcedAndNamed) {
  ParseLimits limits{.max_message_bytes = 400,
                     .max_header_count = 8,
                     .max_header_line_bytes = 60,
                     .max_body_bytes = 10};
  EXPECT_TRUE(parse_message(kOptions + "\r\n0123456789", limits));
  EXPECT_NE(parse_message(kOptions + std::string(200, '\r') + "\n", limits)
                .error()
                .message.find("max_message_bytes"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "\r\n01234567890", limits)
                .error()
                .message.find("body is 11 bytes; the limit is 10"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "Content-Length: 11\r\n\r\n01234567890", limits)
                .error()
                .message.find("max_body_bytes"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits)
                .error()
                .message.find("line 10: more than 8 header fields"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "Allow: A, B, C\r\n\r\n", limits)
                .error()
                .message.find("more than 8 header values"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "X: " + std::string(60, 'x') + "\r\n\r\n", limits)
                .error()
                .message.find("line 8: line is 63 bytes; the limit is 60"),
            std::string::npos);
  EXPECT_NE(parse_message(kOptions + "X-Long: " + std::string(40, 'x') + "\r\n " +
                              std::string(40, 'y') + "\r\n\r\n",
                          limits)
                .error()
                .message.find("line 8: X-Long header is longer than 60 bytes after unfolding"),
            std::string::npos);
  EXPECT_NE(parse_message("OPTIONS sip:" + std::string(60, 'a') + " SIP/2.0\r\n", limits)
                .error()
                .message.find("start line is"),
            std::string::npos);
}

// What the transport answers depends on the rule broken: a size limit is 513 Message Too Large,
// the header count a 400 naming it, anything else a plain 400 (RFC 3261 §21.4.11, §21.4.1).
TEST(Limits, RefusalsSayWhichRuleWasBroken) {
  ParseLimits limits{.max_message_bytes = 400,
                     .max_header_count = 8,
                     .max_header_line_bytes = 60,
                     .max_body_bytes = 10};
  auto refusal = [&](const std::string& bytes) {
    auto parsed = parse_message(bytes, limits);
    EXPECT_FALSE(parsed) << bytes;
    return parsed ? Refusal::malformed : parsed.error().refusal;
  };
  EXPECT_EQ(refusal(kOptions + std::string(200, '\r') + "\n"), Refusal::too_large);
  EXPECT_EQ(refusal(kOptions + "\r\n01234567890"), Refusal::too_large);
  EXPECT_EQ(refusal(kOptions + "Content-Length: 11\r\n\r\n01234567890"), Refusal::too_large);
  EXPECT_EQ(refusal(kOptions + "X: " + std::string(60, 'x') + "\r\n\r\n"), Refusal::too_large);
  EXPECT_EQ(refusal(kOptions + "X: " + std::string(40, 'x') + "\r\n " + std::string(40, 'y') +
                    "\r\n\r\n"),
            Refusal::too_large);
  EXPECT_EQ(refusal("OPTIONS sip:" + std::string(60, 'a') + " SIP/2.0\r\n"), Refusal::too_large);
  EXPECT_EQ(refusal(kOptions + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n"), Refusal::too_many_headers);
  EXPECT_EQ(refusal(kOptions + "Allow: A, B, C\r\n\r\n"), Refusal::too_many_headers);
  // A Content-Length beyond what arrived is a malformed datagram, however large it claims to be.
  EXPECT_EQ(refusal(kOptions + "Content-Length: 5\r\n\r\nabc"), Refusal::malformed);
  EXPECT_EQ(refusal(kOptions + "Content-Length: 99999999999\r\n\r\nabc"), Refusal::malformed);
  EXPECT_EQ(refusal(kOptions + "Max-Forwards: 70\r\n\r\n"), Refusal::malformed);
}

TEST(Robustness, ArbitraryBytesNeverCrash) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (const std::string& bytes :
       {all, std::string(1, '\0'), std::string("INVITE \0 SIP/2.0\r\n\r\n", 20),
        std::string(100000, 'A'), std::string(70000, '\n'), kOptions + "\r\n" + all}) {
    (void)parse_message(bytes);
    (void)salvage_for_response(bytes);
    StreamFramer framer;
    framer.feed(bytes);
    (void)framer.next();
  }
  SUCCEED();
}

// ---- salvage_for_response: what a 400 needs, from a message that failed to parse

TEST(Salvage, KeepsWhatA400Needs) {
  std::string bytes = rfc4475("quotbal");
  ASSERT_FALSE(parse_message(bytes));
  auto request = salvage_for_response(bytes);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method(), "INVITE");
  EXPECT_EQ(request->header("Via"), "SIP/2.0/UDP 192.0.2.59:5050;branch=z9hG4bKkdjuw39234");
  EXPECT_EQ(request->header("To"), "\"Mr. J. User <sip:j.user@example.com>");
  EXPECT_EQ(request->header("Call-ID"), "quotbal.aksdj");
  EXPECT_EQ(request->header("CSeq"), "8 INVITE");
  EXPECT_FALSE(request->has("Contact"));
}

TEST(Salvage, WorksForEveryRfc4475RequestWithUsableHeaders) {
  for (const char* name : {"clerr", "ncl", "scalar02", "quotbal", "ltgtruri", "lwsruri", "lwsstart",
                           "trws", "escruri", "baddate", "regbadct", "badaspec", "baddn", "badvers",
                           "mismatch01", "mismatch02", "multi01", "mcl01"})
    EXPECT_TRUE(salvage_for_response(rfc4475(name))) << name;
}

// RFC 4475 §3.1.2.4 wants a 400 for scalar02: the CSeq it copies is the one received.
TEST(Salvage, CopiesABadCSeqAsReceived) {
  auto scalar02 = salvage_for_response(rfc4475("scalar02"));
  ASSERT_TRUE(scalar02);
  EXPECT_EQ(scalar02->header("CSeq"), "36893488147419103232 REGISTER");
  std::string head = kOptions.substr(0, kOptions.find("CSeq:"));
  for (const char* cseq : {"abc OPTIONS", "4294967296 OPTIONS", "-1 OPTIONS", "7"}) {
    auto request = salvage_for_response(head + "CSeq: " + cseq + "\r\n\r\n");
    ASSERT_TRUE(request) << cseq;
    EXPECT_EQ(request->header("CSeq"), cseq);
  }
}

// Whatever the first word is, it stands for the method, so a bad request line still gets a 400.
TEST(Salvage, AcceptsAnyFirstWordAsTheMethod) {
  std::string headers = kOptions.substr(kOptions.find("Via:")) + "\r\n";
  for (const auto& [line, method] : std::initializer_list<std::pair<std::string, std::string>>{
           {"INV@TE sip:b@h SIP/2.0", "INV@TE"},
           {"<INVITE> sip:b@h SIP/2.0", "<INVITE>"},
           {"REG\x01STER sip:b@h SIP/2.0", "REG\x01STER"},
           {" \tOPTIONS sip:b@h SIP/2.0", "OPTIONS"},
           {"OPTIONS\tsip:b@h\tSIP/2.0", "OPTIONS"},
           {"ACK  sip:b@h SIP/2.0 ", "ACK"}}) {
    auto request = salvage_for_response(line + "\r\n" + headers);
    ASSERT_TRUE(request) << excerpt(line);
    EXPECT_EQ(request->method(), method);
    EXPECT_EQ(request->request_uri(), "sip:b@h");
  }
  EXPECT_FALSE(salvage_for_response(" SIP/2.0 200 OK\r\n" + headers));  // a response, trimmed
  EXPECT_FALSE(salvage_for_response(" \t \r\n" + headers));
}

TEST(Salvage, DropsResponsesAndRequestsWithoutUsableHeaders) {
  EXPECT_FALSE(salvage_for_response(rfc4475("bigcode")));   // a response: never answered
  EXPECT_FALSE(salvage_for_response(rfc4475("insuf")));     // no From, To, Call-ID
  EXPECT_FALSE(salvage_for_response(rfc4475("badinv01")));  // its Via cannot route a response
  EXPECT_FALSE(salvage_for_response("garbage"));
  EXPECT_FALSE(salvage_for_response(""));
  EXPECT_FALSE(salvage_for_response(
      crlf("INVITE sip:a@b SIP/2.0\nVia: junk\nTo: a\nFrom: b\nCall-ID: c\nCSeq: 1 INVITE\n\n")));
}

// ---- StreamFramer (RFC 3261 §18.3, RFC 5626 §3.5.1)

TEST(StreamFramer, FramesBackToBackMessagesAndSkipsKeepAlives) {
  std::string first = kOptions + "Content-Length: 5\r\n\r\nhello";
  std::string second = kOptions + "l: 0\r\n\r\n";
  StreamFramer framer;
  framer.feed("\r\n\r\n" + first + "\r\n" + second);
  auto a = framer.next();
  ASSERT_TRUE(a && *a) << (a ? "incomplete" : a.error().message);
  EXPECT_EQ(**a, first);
  auto b = framer.next();
  ASSERT_TRUE(b && *b);
  EXPECT_EQ(**b, second);
  auto none = framer.next();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramer, ByteByByteFeedingYieldsTheSameMessage) {
  std::string message = kOptions + "Content-Length: 5\r\n\r\nhello";
  StreamFramer framer;
  std::optional<std::string> framed;
  for (std::size_t i = 0; i < message.size(); ++i) {
    framer.feed(message.substr(i, 1));
    auto next = framer.next();
    ASSERT_TRUE(next) << next.error().message;
    if (*next) {
      EXPECT_EQ(i, message.size() - 1);
      framed = **next;
    }
  }
  EXPECT_EQ(framed, message);
  EXPECT_TRUE(parse_message(*framed));
}

TEST(StreamFramer, UnframeableStreamsAreErrors) {
  StreamFramer no_length;
  no_length.feed(kOptions + "\r\n");
  EXPECT_NE(no_length.next().error().message.find("no Content-Length"), std::string::npos);
  StreamFramer bad_length;
  bad_length.feed(kOptions + "Content-Length: -1\r\n\r\n");
  EXPECT_NE(bad_length.next().error().message.find("not a non-negative decimal"),
            std::string::npos);
  StreamFramer conflicting;
  conflicting.feed(kOptions + "Content-Length: 1\r\nl: 2\r\n\r\n");
  EXPECT_NE(conflicting.next().error().message.find("conflicting Content-Length"),
            std::string::npos);
  StreamFramer too_big(ParseLimits{.max_body_bytes = 10});
  too_big.feed(kOptions + "Content-Length: 11\r\n\r\n");
  EXPECT_NE(too_big.next().error().message.find("max_body_bytes"), std::string::npos);
  StreamFramer endless(ParseLimits{.max_message_bytes = 100});
  endless.feed(std::string(101, 'x'));
  EXPECT_NE(endless.next().error().message.find("no end of the header section"), std::string::npos);
  StreamFramer flood(ParseLimits{.max_header_count = 8});  // Content-Length comes too late
  flood.feed(kOptions + "A: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
  EXPECT_NE(flood.next().error().message.find(
                "more than 8 header fields (max_header_count) before any Content-Length"),
            std::string::npos);
  StreamFramer whole(ParseLimits{.max_message_bytes = 250});
  whole.feed(kOptions + "Content-Length: 100\r\n\r\n");
  EXPECT_NE(whole.next().error().message.find("exceeds the limit of 250"), std::string::npos);
}

// A stream can make the framer hold at most the header section plus Content-Length within
// max_message_bytes: past it the stream is refused as too large (513), never buffered on.
TEST(StreamFramer, RefusalsSayWhichRuleWasBroken) {
  StreamFramer too_big(ParseLimits{.max_body_bytes = 10});
  too_big.feed(kOptions + "Content-Length: 11\r\n\r\n");
  EXPECT_EQ(too_big.next().error().refusal, Refusal::too_large);
  StreamFramer huge_length;
  huge_length.feed(kOptions + "Content-Length: 18446744073709551616\r\n\r\n");
  EXPECT_EQ(huge_length.next().error().refusal, Refusal::too_large);
  StreamFramer endless(ParseLimits{.max_message_bytes = 100});
  for (int i = 0; i < 5; ++i) {  // no end of the header section: held up to the limit, no more
    endless.feed(std::string(30, 'x'));
    auto next = endless.next();
    if (endless.buffered() <= 100) {
      ASSERT_TRUE(next && !*next);
    } else {
      ASSERT_FALSE(next);
      EXPECT_EQ(next.error().refusal, Refusal::too_large);
      break;
    }
  }
  StreamFramer whole(ParseLimits{.max_message_bytes = 250});
  whole.feed(kOptions + "Content-Length: 100\r\n\r\n");
  EXPECT_EQ(whole.next().error().refusal, Refusal::too_large);
  StreamFramer flood(ParseLimits{.max_header_count = 8});
  flood.feed(kOptions + "A: 1\r\nB: 2\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(flood.next().error().refusal, Refusal::too_many_headers);
  StreamFramer no_length;
  no_length.feed(kOptions + "\r\n");
  EXPECT_EQ(no_length.next().error().refusal, Refusal::malformed);
}

}  // namespace
}  // namespace sipref::sip
