// Digest authentication (RFC 2617, RFC 8760 MD5): one group per concern, each case naming the
// requirement it checks. Expected hashes were computed outside this code (python3 hashlib).
#include "sip/digest.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>

#include "sip/timers.h"

namespace sipref::sip {
namespace {

using namespace std::chrono_literals;

Message invite() {
  Message m = Message::request("INVITE", "sip:bob@127.0.1.1:5060");
  m.add("Via", "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds");
  m.add("Max-Forwards", "70");
  m.add("From", "<sip:alice@sipref.test>;tag=1928301774");
  m.add("To", "<sip:bob@127.0.1.1>");
  m.add("Call-ID", "a84b4c76e66710@10.0.0.1");
  m.add("CSeq", "314159 INVITE");
  m.add("Contact", "<sip:alice@10.0.0.1:5060>");
  m.set_body("v=0\r\n");
  return m;
}

DigestChallenge offered(std::string algorithm, std::vector<std::string> qop,
                        std::string realm = "sipref.test", std::string nonce = "5b4c1e0f8c2a9d77") {
  DigestChallenge c;
  c.realm = std::move(realm);
  c.nonce = std::move(nonce);
  c.algorithm = std::move(algorithm);
  c.qop = std::move(qop);
  return c;
}

DigestServer::PasswordLookup alice_only() {
  return [](std::string_view user) -> std::optional<std::string> {
    if (user == "alice") return "wonderland";
    return std::nullopt;
  };
}

// ---- RFC 2617 §3.5: the worked example ----

TEST(Rfc2617Example, ResponseMatchesThePublishedValue) {
  auto c = parse_credentials(
      R"(Digest username="Mufasa", realm="testrealm@host.com", )"
      R"(nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, )"
      R"(nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", )"
      R"(opaque="5ccc069c403ebaf9f0171e9517f40e41")");
  ASSERT_TRUE(c) << c.error().message;
  auto response = digest_response(*c, "GET", "Circle Of Life");
  ASSERT_TRUE(response) << response.error().message;
  EXPECT_EQ(*response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(*response, c->response);
}

TEST(Rfc2617Example, ClientAnswersTheChallengeWithThePublishedResponse) {
  auto challenge = parse_challenge(
      R"(Digest realm="testrealm@host.com", qop="auth,auth-int", )"
      R"(nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")");
  ASSERT_TRUE(challenge) << challenge.error().message;
  auto answer = answer_challenge(*challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life",
                                 "0a4f113b", 1);
  ASSERT_TRUE(answer) << answer.error().message;
  auto c = parse_credentials(*answer);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(c->qop, "auth");
  EXPECT_EQ(c->nc, "00000001");
  EXPECT_EQ(c->opaque, "5ccc069c403ebaf9f0171e9517f40e41");  // §3.2.2: echoed unchanged
}

// ---- Client: answering SIP challenges ----

TEST(DigestClient, Md5HexIsLowerCase) {
  EXPECT_EQ(md5_hex("alice:sipref.test:wonderland"), "03b4e4a7c4ee91cd4b04cd32175e0d7a");
}

TEST(DigestClient, QopAuthInviteExactHeader) {
  DigestChallenge challenge = offered("MD5", {"auth"});
  auto answer = answer_challenge(challenge, "INVITE", "sip:bob@127.0.1.1:5060", "alice",
                                 "wonderland", "c0ffee42", 1);
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(*answer,
            R"(Digest username="alice", realm="sipref.test", nonce="5b4c1e0f8c2a9d77", )"
            R"(uri="sip:bob@127.0.1.1:5060", response="2434b0b9bb7dcbf0495acdc6ed0ba3bb", )"
            R"(algorithm=MD5, cnonce="c0ffee42", qop=auth, nc=00000001)");
}

TEST(DigestClient, WithoutQopUsesTheRfc2069Form) {
  DigestChallenge challenge = offered("", {});
  auto answer = answer_challenge(challenge, "INVITE", "sip:bob@127.0.1.1:5060", "alice",
                                 "wonderland", "c0ffee42", 1);
  ASSERT_TRUE(answer) << answer.error().message;
  auto c = parse_credentials(*answer);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->response, "066f3604d52e2e681933dfc5cc8893bc");
  EXPECT_EQ(answer->find("qop"), std::string::npos);
  EXPECT_EQ(answer->find("cnonce"), std::string::npos);
  EXPECT_EQ(answer->find("nc="), std::string::npos);
}

TEST(DigestClient, Md5SessAndNonceCount) {
  DigestChallenge challenge = offered("MD5-sess", {"auth"});
  auto answer = answer_challenge(challenge, "INVITE", "sip:bob@127.0.1.1:5060", "alice",
                                 "wonderland", "c0ffee42", 2);
  ASSERT_TRUE(answer);
  auto c = parse_credentials(*answer);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->nc, "00000002");
  EXPECT_EQ(c->response, "f8f1804a0670a46089c012613b6f4f9e");
}

TEST(DigestClient, RefusesOtherAlgorithmsAndQops) {
  DigestChallenge sha = offered("SHA-256", {"auth"});
  auto refused = answer_challenge(sha, "INVITE", "sip:b@h", "u", "p", "c", 1);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("SHA-256"), std::string::npos) << refused.error().message;

  DigestChallenge auth_int = offered("", {"auth-int"});
  auto refused_qop = answer_challenge(auth_int, "INVITE", "sip:b@h", "u", "p", "c", 1);
  ASSERT_FALSE(refused_qop);
  EXPECT_NE(refused_qop.error().message.find("qop"), std::string::npos);
}

TEST(DigestClient, FuzzRefusesAUsernameWithAControlByte) {
  // Found by twiml_parser_fuzz: <Sip username="\x15" password="">s</Sip> put the byte raw into
  // the Authorization header; "&#10;" there would have started a header line of its own.
  DigestChallenge challenge = offered("MD5", {"auth"});
  for (std::string_view username : {"\x15", "alice\r\nVia: SIP/2.0/UDP evil", "a\x7F"})
    EXPECT_FALSE(answer_challenge(challenge, "INVITE", "sip:b@h", username, "", "c", 1))
        << username;
  EXPECT_TRUE(answer_challenge(challenge, "INVITE", "sip:b@h", "tab\tand \"quote\"", "", "c", 1));
}

// ---- Parsing: auth-param grammar (RFC 2617 §1.2, RFC 3261 §25.1) ----

TEST(DigestParse, ChallengeNamesAreCaseInsensitiveAndQuotesUnescape) {
  auto c = parse_challenge(
      "digest  REALM = \"a \\\"quoted\\\" realm\",Nonce=\"n1\" ,QOP=\"auth, auth-int\","
      " Stale=TRUE, algorithm=md5, domain=\"sip:x\", opaque=\"o\"");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->realm, "a \"quoted\" realm");
  EXPECT_EQ(c->nonce, "n1");
  EXPECT_EQ(c->qop, (std::vector<std::string>{"auth", "auth-int"}));
  EXPECT_TRUE(c->stale);
  EXPECT_EQ(c->algorithm, "md5");
  EXPECT_EQ(c->opaque, "o");
}

TEST(DigestParse, SerializedChallengeParsesBack) {
  DigestChallenge c = offered("MD5", {"auth"}, "r\"x", "n\\y");
  c.opaque = "o";
  c.stale = true;
  auto back = parse_challenge(c.to_string());
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->realm, c.realm);
  EXPECT_EQ(back->nonce, c.nonce);
  EXPECT_EQ(back->opaque, c.opaque);
  EXPECT_EQ(back->qop, c.qop);
  EXPECT_TRUE(back->stale);
}

TEST(DigestParse, MalformedHeadersAreErrorsThatSayWhy) {
  const std::map<std::string, std::string> challenge_cases{
      {"Basic realm=\"r\"", "not Digest"},
      {"Digest nonce=\"n\"", "no realm"},
      {"Digest realm=\"r\"", "no nonce"},
      {"Digest nonce=\"n\", realm=\"r", "unterminated"},
      {"Digest realm \"r\", nonce=\"n\"", "expected '='"},
      {"Digest realm=\"r\", realm=\"s\", nonce=\"n\"", "duplicate"},
      {"Digest realm=\"r\" nonce=\"n\"", "expected ','"},
      {"Digest realm=, nonce=\"n\"", "missing value"},
      {"", "no authentication scheme"},
  };
  for (const auto& [text, why] : challenge_cases) {
    auto c = parse_challenge(text);
    ASSERT_FALSE(c) << "Expected: an error for [" << text << "]";
    EXPECT_NE(c.error().message.find(why), std::string::npos)
        << "Expected: '" << why << "'\nActual: " << c.error().message;
  }
  const std::map<std::string, std::string> credential_cases{
      {R"(Digest realm="r", nonce="n", uri="u", response="x")", "no username"},
      {R"(Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth)",
       "needs cnonce and nc"},
      {R"(Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, )"
       R"(cnonce="c", nc=1)",
       "8 hex digits"},
  };
  for (const auto& [text, why] : credential_cases) {
    auto c = parse_credentials(text);
    ASSERT_FALSE(c) << "Expected: an error for [" << text << "]";
    EXPECT_NE(c.error().message.find(why), std::string::npos)
        << "Expected: '" << why << "'\nActual: " << c.error().message;
  }
}

// ---- Client: the authorised retry (RFC 3261 §22.2, §8.1.3.5) ----

TEST(DigestRetry, ProxyChallengeGivesProxyAuthorizationAndNextCSeq) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test", "secret");
  Message challenge = server.make_challenge(invite(), 407, "srv1");
  EXPECT_EQ(challenge.status(), 407);
  EXPECT_EQ(challenge.header("To"), "<sip:bob@127.0.1.1>;tag=srv1");
  ASSERT_TRUE(challenge.has("Proxy-Authenticate"));

  auto retry = make_authorized_retry(invite(), challenge, "alice", "wonderland", "c0ffee42");
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_FALSE(retry->has("Via"));  // the transaction layer adds a new one (new branch)
  EXPECT_EQ(retry->header("CSeq"), "314160 INVITE");
  EXPECT_EQ(retry->header("Call-ID"), invite().header("Call-ID"));
  EXPECT_EQ(retry->header("From"), invite().header("From"));  // same From tag
  EXPECT_EQ(retry->header("To"), "<sip:bob@127.0.1.1>");      // not the challenger's tag
  EXPECT_EQ(retry->body(), "v=0\r\n");
  EXPECT_FALSE(retry->has("Authorization"));
  ASSERT_EQ(retry->count("Proxy-Authorization"), 1u);
  EXPECT_TRUE(server.verify(*retry, alice_only()).ok());
}

TEST(DigestRetry, WwwChallengeGivesAuthorization) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test");
  auto retry = make_authorized_retry(invite(), server.make_challenge(invite(), 401), "alice",
                                     "wonderland", make_cnonce());
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_EQ(retry->count("Authorization"), 1u);
  EXPECT_FALSE(retry->has("Proxy-Authorization"));
  auto check = server.verify(*retry, alice_only());
  EXPECT_TRUE(check.ok()) << check.reason;
}

TEST(DigestRetry, ReplacesCredentialsForTheSameRealmAndKeepsOthers) {
  Message request = invite();
  request.add("Proxy-Authorization",
              R"(Digest username="alice", realm="other", nonce="n", uri="u", response="r")");
  request.add(
      "Proxy-Authorization",
      R"(Digest username="alice", realm="sipref.test", nonce="old", uri="u", response="r")");
  Message challenge = Message::response(407, "");
  challenge.add("Proxy-Authenticate", R"(Digest realm="sipref.test", nonce="new", qop="auth")");
  ASSERT_TRUE(add_credentials(request, challenge, "alice", "wonderland", "c"));
  auto values = request.all("Proxy-Authorization");
  ASSERT_EQ(values.size(), 2u);
  EXPECT_NE(values[0].find("realm=\"other\""), std::string_view::npos);
  EXPECT_NE(values[1].find("nonce=\"new\""), std::string_view::npos);
}

TEST(DigestRetry, SkipsUnsupportedAlgorithmsOfferedFirst) {
  // RFC 8760 §2.4: a server may offer SHA-256 and MD5; the client answers one it supports.
  Message challenge = Message::response(401, "");
  challenge.add("WWW-Authenticate",
                R"(Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth")");
  challenge.add("WWW-Authenticate", R"(Digest realm="r", nonce="n", algorithm=MD5, qop="auth")");
  Message request = invite();
  ASSERT_TRUE(add_credentials(request, challenge, "alice", "wonderland", "c"));
  ASSERT_EQ(request.count("Authorization"), 1u);
  EXPECT_NE(request.header("Authorization")->find("algorithm=MD5"), std::string_view::npos);

  Message only_sha = Message::response(401, "");
  only_sha.add("WWW-Authenticate", R"(Digest realm="r", nonce="n", algorithm=SHA-256)");
  auto refused = add_credentials(request, only_sha, "alice", "wonderland", "c");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("SHA-256"), std::string::npos);
  EXPECT_FALSE(add_credentials(request, Message::response(403, ""), "a", "b", "c"));
}

// ---- Server: stateless nonces and verification ----

TEST(DigestServer, ChallengeOffersMd5AndQopAuth) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test", "secret");
  auto c = parse_challenge(server.challenge());
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->realm, "sipref.test");
  EXPECT_EQ(c->algorithm, "MD5");
  EXPECT_EQ(c->qop, std::vector<std::string>{"auth"});
  EXPECT_FALSE(c->stale);
  EXPECT_TRUE(parse_challenge(server.challenge(true))->stale);
}

DigestCredentials answered(const DigestServer& server, std::string_view password,
                           std::string_view method = "INVITE") {
  auto challenge = parse_challenge(server.challenge());
  auto answer = answer_challenge(*challenge, method, "sip:bob@127.0.1.1:5060", "alice", password,
                                 make_cnonce());
  return *parse_credentials(*answer);
}

TEST(DigestServer, RoundTripIsOk) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test");
  auto check = server.verify(answered(server, "wonderland"), "INVITE", alice_only());
  EXPECT_EQ(check.verdict, DigestVerdict::ok) << check.reason;
}

TEST(DigestServer, WrongPasswordUnknownUserAndWrongMethod) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test");
  EXPECT_EQ(server.verify(answered(server, "guess"), "INVITE", alice_only()).verdict,
            DigestVerdict::wrong_password);
  auto c = answered(server, "wonderland");
  EXPECT_EQ(server.verify(c, "BYE", alice_only()).verdict, DigestVerdict::wrong_password);
  c.username = "mallory";
  auto check = server.verify(c, "INVITE", alice_only());
  EXPECT_EQ(check.verdict, DigestVerdict::wrong_password);
  EXPECT_NE(check.reason.find("unknown user"), std::string::npos);
}

TEST(DigestServer, ExpiredNonceIsStaleOnlyWithTheRightPassword) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test", "secret", 30s);
  auto good = answered(server, "wonderland");
  auto bad = answered(server, "guess");
  clock.advance(30s);
  EXPECT_EQ(server.verify(good, "INVITE", alice_only()).verdict,
            DigestVerdict::ok);  // at the limit
  clock.advance(1ms);
  EXPECT_EQ(server.verify(good, "INVITE", alice_only()).verdict, DigestVerdict::stale_nonce);
  EXPECT_EQ(server.verify(bad, "INVITE", alice_only()).verdict, DigestVerdict::wrong_password);
}

TEST(DigestServer, ForeignOrAlteredNoncesAreStaleWithTheRightPassword) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test", "secret");
  DigestServer before_restart(clock, "sipref.test", "another secret");
  auto foreign = server.verify(answered(before_restart, "wonderland"), "INVITE", alice_only());
  EXPECT_EQ(foreign.verdict, DigestVerdict::stale_nonce);
  EXPECT_NE(foreign.reason.find("not issued by this server"), std::string::npos);
  EXPECT_EQ(server.verify(answered(before_restart, "guess"), "INVITE", alice_only()).verdict,
            DigestVerdict::wrong_password);

  // Pushing the issue time forward to extend the lifetime breaks the MAC.
  clock.advance(10min);
  auto c = answered(server, "wonderland");
  clock.advance(10min);
  c.nonce[13] = c.nonce[13] == 'f' ? '0' : 'f';
  c.response = *digest_response(c, "INVITE", "wonderland");
  auto altered = server.verify(c, "INVITE", alice_only());
  EXPECT_EQ(altered.verdict, DigestVerdict::stale_nonce);
  EXPECT_NE(altered.reason.find("not issued"), std::string::npos) << altered.reason;
  c.nonce = "short";
  c.response = *digest_response(c, "INVITE", "wonderland");
  EXPECT_EQ(server.verify(c, "INVITE", alice_only()).verdict, DigestVerdict::stale_nonce);
}

TEST(DigestServer, OtherRealmsAndAlgorithmsAreMalformed) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test", "secret");
  DigestServer elsewhere(clock, "elsewhere.test", "secret");
  auto check = elsewhere.verify(answered(server, "wonderland"), "INVITE", alice_only());
  EXPECT_EQ(check.verdict, DigestVerdict::malformed);
  EXPECT_NE(check.reason.find("realm"), std::string::npos);

  auto sha = answered(server, "wonderland");
  sha.algorithm = "SHA-256";
  check = server.verify(sha, "INVITE", alice_only());
  EXPECT_EQ(check.verdict, DigestVerdict::malformed);
  EXPECT_NE(check.reason.find("SHA-256"), std::string::npos);
}

TEST(DigestServer, RequestWithoutOrWithBrokenCredentials) {
  ManualTimers clock;
  DigestServer server(clock, "sipref.test");
  EXPECT_EQ(server.verify(invite(), alice_only()).verdict, DigestVerdict::missing);
  Message broken = invite();
  broken.add("Proxy-Authorization", "Digest username=\"alice");
  auto check = server.verify(broken, alice_only());
  EXPECT_EQ(check.verdict, DigestVerdict::malformed);
  EXPECT_NE(check.reason.find("unterminated"), std::string::npos) << check.reason;
}

}  // namespace
}  // namespace sipref::sip
