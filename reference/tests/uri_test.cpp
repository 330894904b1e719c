// SIP and SIPS URIs (RFC 3261 §19.1, §25.1): every part of the grammar, the errors that name the
// wrong part, percent-escaping, serialization round trips, and the <Sip> text lengths.
#include <gtest/gtest.h>

#include "sip/uri.h"

namespace sipref::sip {
namespace {

TEST(Uri, ParsesEveryPart) {
  auto uri = parse_uri(
      "SIPS:alice:secret@atlanta.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(uri->scheme, "sips");  // lower-cased
  EXPECT_EQ(uri->user, "alice");
  EXPECT_EQ(uri->password, "secret");
  EXPECT_EQ(uri->host, "atlanta.com");
  EXPECT_EQ(uri->port, 5061);
  ASSERT_EQ(uri->parameters.size(), 2u);
  EXPECT_EQ(uri->parameter("TRANSPORT"), "tcp");
  EXPECT_EQ(uri->parameter("lr"), "");
  EXPECT_FALSE(uri->parameter("maddr"));
  ASSERT_EQ(uri->headers.size(), 2u);
  EXPECT_EQ(uri->headers[0].name, "subject");
  EXPECT_EQ(uri->headers[0].value, "project x");
  EXPECT_EQ(uri->host_port(), "atlanta.com:5061");
}

TEST(Uri, HostOnlyIpv4AndIpv6) {
  EXPECT_EQ(parse_uri("sip:example.com")->host, "example.com");
  EXPECT_EQ(parse_uri("sip:example.com.")->host, "example.com.");
  EXPECT_EQ(parse_uri("sip:192.0.2.1:5060")->host_port(), "192.0.2.1:5060");
  auto v6 = parse_uri("sip:[2001:db8::10]:5070;lr");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "[2001:db8::10]");
  EXPECT_EQ(v6->port, 5070);
  // RFC 5118 §4.3: without brackets the port is ambiguous, so this is not an IPv6 host.
  EXPECT_FALSE(parse_uri("sip:2001:db8::10:5070"));
  EXPECT_EQ(host_kind("[::ffff:192.0.2.1]"), HostKind::ipv6);
  EXPECT_EQ(host_kind("192.0.2.1"), HostKind::ipv4);
  EXPECT_EQ(host_kind("a-b.example"), HostKind::hostname);
  EXPECT_EQ(host_kind("192.0.2.256"), HostKind::invalid);
  EXPECT_EQ(host_kind("1.2.3"), HostKind::invalid);
  EXPECT_EQ(host_kind("-a.example"), HostKind::invalid);
  EXPECT_EQ(host_kind("a.1com"), HostKind::invalid);  // toplabel starts with a letter
  EXPECT_EQ(host_kind("::1"), HostKind::invalid);     // IPv6 needs brackets
}

TEST(Uri, UserPartTakesTheCharactersTheGrammarAllows) {
  // RFC 4475 intmeth: ';' '?' '/' are user-unreserved; the password has its own set.
  auto uri = parse_uri(
      "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too."
      "(doesn't-it)@example.com");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(uri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(uri->password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(uri->parameters.empty());
  // RFC 4475 semiuri: the ';' is part of the user, not a parameter.
  auto semi = parse_uri("sip:user;par=u%40example.net@example.com");
  ASSERT_TRUE(semi);
  EXPECT_EQ(semi->user, "user;par=u%40example.net");
  EXPECT_TRUE(semi->parameters.empty());
}

TEST(Uri, EscapesAreKeptAsWrittenInUserAndParameters) {
  auto uri = parse_uri("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
  ASSERT_TRUE(uri) << uri.error().message;
  EXPECT_EQ(uri->user, "cal%6Cer");
  EXPECT_EQ(uri->parameters[0].name, "%6C%72");
  EXPECT_EQ(uri->parameters[1].value, "v%61lue%25%34%31");
  EXPECT_TRUE(parse_uri("sip:null-%00-null@example.com"));  // RFC 4475 escnull
}

TEST(Uri, ErrorsNameTheWrongPart) {
  struct Case {
    const char* text;
    const char* error;
  };
  for (auto [text, error] : std::initializer_list<Case>{
           {"tel:+1-212-555-0101", "not a sip: or sips: URI"},
           {"sip", "not a sip: or sips: URI"},
           {"sip:", "missing host"},
           {"sip:@example.com", "empty user part"},
           {"sip:a b@example.com", "user part"},
           {"sip:a%4@example.com", "user part"},
           {"sip:a:p@ss@example.com", "invalid host"},
           {"sip:a@b:99999", "invalid port '99999' in 'sip:a@b:99999'"},
           {"sip:a@b:0", "invalid port"},
           {"sip:a@b:", "invalid port"},
           {"sip:a@b:50x", "invalid port"},
           {"sip:a@exa_mple.com", "invalid host"},
           {"sip:a@[::1", "invalid host"},
           {"sip:a@[::1]x", "after the host"},
           {"sip:a@b;;lr", "empty URI parameter"},
           {"sip:a@b;x=", "invalid value for URI parameter"},
           {"sip:a@b;x=a b", "invalid value for URI parameter"},
           {"sip:a@b?X", "is not name=value"},
           {"sip:a@b?=1", "is not name=value"},
           {"sip:a@b?X=%G1", "invalid character or escape"},
           {"sip:a@b?X=<", "invalid character or escape"},
       }) {
    auto uri = parse_uri(text);
    ASSERT_FALSE(uri) << "accepted: " << text;
    EXPECT_NE(uri.error().message.find(error), std::string::npos)
        << "text: " << text << "\nexpected error containing: " << error
        << "\nactual: " << uri.error().message;
  }
}

TEST(Uri, HeadersArePercentDecodedAndPlusStaysPlus) {
  auto uri = parse_uri("sip:a@b?X-A=1%2C2+3&Route=%3Csip:example.com%3E&Empty=");
  ASSERT_TRUE(uri) << uri.error().message;
  ASSERT_EQ(uri->headers.size(), 3u);
  EXPECT_EQ(uri->headers[0].value, "1,2+3");
  EXPECT_EQ(uri->headers[1].value, "<sip:example.com>");
  EXPECT_EQ(uri->headers[2].value, "");
}

TEST(Uri, ToStringReEscapesHeadersSoThatParseRoundTrips) {
  Uri uri;
  uri.scheme = "sip";
  uri.user = "bob";
  uri.host = "[2001:db8::1]";
  uri.port = 5080;
  uri.set_parameter("transport", "tcp");
  uri.set_parameter("lr", std::nullopt);
  uri.headers.push_back({"X-Note", "a b,c&d=e?f+g%h\"<>"});
  uri.headers.push_back({std::string("X-\xFF"), std::string("nul:") + '\0'});
  std::string text = uri.to_string();
  EXPECT_EQ(text,
            "sip:bob@[2001:db8::1]:5080;transport=tcp;lr?X-Note=a%20b%2Cc%26d%3De?f+g%25h%22%3C%3E&"
            "X-%FF=nul:%00");
  EXPECT_EQ(uri.to_string_without_headers(), "sip:bob@[2001:db8::1]:5080;transport=tcp;lr");
  auto back = parse_uri(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, uri);
}

TEST(Uri, ParseOfToStringIsIdentityForWrittenUris) {
  for (const char* text : {"sip:alice@atlanta.com", "sips:a:b@[::1]:1;x=%41;y",
                           "sip:b?h=v&i=", "sip:%61lice@atlanta.com;maddr=239.255.255.1;ttl=15"}) {
    auto uri = parse_uri(text);
    ASSERT_TRUE(uri) << text << ": " << uri.error().message;
    EXPECT_EQ(uri->to_string(), text);
    EXPECT_EQ(parse_uri(uri->to_string()), *uri);
  }
}

TEST(Uri, ParameterEditing) {
  auto uri = *parse_uri("sip:a@b;Transport=udp;lr");
  uri.set_parameter("transport", "tcp");
  uri.remove_parameter("LR");
  uri.set_parameter("ob", std::nullopt);
  EXPECT_EQ(uri.to_string(), "sip:a@b;Transport=tcp;ob");
  EXPECT_TRUE(uri.has_parameter("OB"));
}

TEST(PercentEscapes, DecodeAndEncode) {
  EXPECT_EQ(*percent_decode("a%20b%2c%2C+"), "a b,,+");
  EXPECT_EQ(*percent_decode(""), "");
  EXPECT_NE(percent_decode("50%").error().message.find("two hex digits"), std::string::npos);
  EXPECT_FALSE(percent_decode("%4"));
  EXPECT_FALSE(percent_decode("%zz"));
  EXPECT_EQ(percent_encode("a b/c", ""), "a%20b%2Fc");
  EXPECT_EQ(percent_encode("a b/c", "/"), "a%20b/c");
  EXPECT_EQ(percent_encode("-_.!~*'()", ""), "-_.!~*'()");
}

TEST(ValidateUri, OtherSchemesNeedOnlyTheGenericShape) {
  EXPECT_TRUE(validate_uri("tel:+1-212-555-0101;phone-context=example.com"));
  EXPECT_TRUE(validate_uri("soap.beep://192.0.2.103:3002"));
  EXPECT_TRUE(validate_uri("nobodyKnowsThisScheme:totallyopaquecontent"));
  EXPECT_TRUE(validate_uri("http://[2001:db8::1]/x?y=z"));
  EXPECT_FALSE(validate_uri("noscheme"));
  EXPECT_FALSE(validate_uri("1x:abc"));
  EXPECT_FALSE(validate_uri("x:"));
  EXPECT_FALSE(validate_uri("x:a b"));
  EXPECT_FALSE(validate_uri("x:a\"b"));
  EXPECT_NE(validate_uri("sip:a@b:0").error().message.find("invalid port"), std::string::npos);
}

TEST(MeasureSipText, CountsAsWrittenAroundTheFirstQuestionMark) {
  auto lengths = measure_sip_text("sip:a@b?X-A=1");
  EXPECT_EQ(lengths.uri_part, 7u);
  EXPECT_EQ(lengths.headers_part, 5u);
  lengths = measure_sip_text("sip:agent@example.com;transport=tcp?X-Note=a%20b");
  EXPECT_EQ(lengths.uri_part, 35u);
  EXPECT_EQ(lengths.headers_part, 12u);  // "%20" counts as three
  lengths = measure_sip_text("sip:a@b");
  EXPECT_EQ(lengths.uri_part, 7u);
  EXPECT_EQ(lengths.headers_part, 0u);
  EXPECT_EQ(measure_sip_text("sip:a@b?").headers_part, 0u);
}

TEST(Excerpt, QuotesTruncatesAndEscapesForErrorMessages) {
  EXPECT_EQ(excerpt("abc"), "'abc'");
  EXPECT_EQ(excerpt(std::string("a\0\xff", 3)), "'a\\x00\\xff'");
  EXPECT_EQ(excerpt(std::string(100, 'x')), "'" + std::string(80, 'x') + "...'");
}

}  // namespace
}  // namespace sipref::sip
