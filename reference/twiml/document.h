// A TwiML document as typed data: the verbs in order, each with its nouns and attributes, so the
// call engine never reads XML. Values are the ones in effect (defaults applied, clamped).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/alert.h"
#include "util/http_method.h"

namespace sipref::twiml {

// A typed attribute that remembers how it was written: the call engine needs the raw text for
// checks whose alert depends on the call (and for logs); `value` is what applies.
template <class T>
struct Attr {
  T value{};
  std::optional<std::string> raw;  // nullopt when the attribute was absent

  Attr() = default;
  Attr(T default_value) : value(std::move(default_value)) {}  // NOLINT: implicit on purpose
  bool given() const { return raw.has_value(); }
};

// `<Parameter name="…" value="…"/>` inside <Client>, <Application>, <Reject>, <Hangup>.
struct Parameter {
  std::string name;
  std::string value;
  bool operator==(const Parameter&) const = default;
};

enum class CallEvent { initiated, ringing, answered, completed };

// statusCallback, statusCallbackEvent (space-separated), statusCallbackMethod of a noun.
struct StatusCallback {
  std::optional<std::string> url;  // as written; may be relative
  std::vector<CallEvent> events;   // in document order; unknown words were warned about
  Attr<HttpMethod> method = HttpMethod::post;
};

// ---- <Dial> nouns --------------------------------------------------------------------------

struct Sip {
  std::string uri;  // the text, trimmed and XML-unescaped; "%3B" stays as written
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> url;  // call screening TwiML on the answered leg
  Attr<HttpMethod> method = HttpMethod::post;
  StatusCallback status_callback;
};

struct Number {
  std::string number;
  std::optional<std::string> url;
  Attr<HttpMethod> method = HttpMethod::post;
  std::optional<std::string> send_digits;  // 0-9 A-D # * w W
  StatusCallback status_callback;
};

struct Client {
  std::string identity;  // the text, or <Identity>'s text
  std::vector<Parameter> parameters;
  std::optional<std::string> url;
  Attr<HttpMethod> method = HttpMethod::post;
  StatusCallback status_callback;
};

struct Application {
  std::string sid;  // the text, or <ApplicationSid>'s text
  std::vector<Parameter> parameters;
  std::optional<std::string> customer_id;
  Attr<bool> copy_parent_to = false;
};

using Noun = std::variant<Sip, Number, Client, Application>;

// ---- verbs ---------------------------------------------------------------------------------

struct Dial {
  std::vector<Noun> nouns;  // a plain-text number becomes one Number
  std::optional<std::string> action;
  Attr<HttpMethod> method = HttpMethod::post;
  Attr<int> timeout = 30;  // seconds, clamped to 5..600
  Attr<bool> answer_on_bridge = false;
  std::optional<std::string>
      caller_id;  // checked by the engine (13214): its rule depends on the nouns
  std::optional<std::string> record;  // one of the documented values; the reference records nothing
  Attr<int> time_limit = 14400;       // seconds, clamped to 1..14400
  Attr<bool> hangup_on_star = false;
  std::optional<std::string> refer_url;
  Attr<HttpMethod> refer_method = HttpMethod::post;
  Attr<bool> sequential = false;
};

struct Say {
  std::string text;    // SSML markup removed, its text kept
  Attr<int> loop = 1;  // 0 = until hang-up
  std::optional<std::string> voice;
  std::optional<std::string> language;
};

struct Play {
  std::string url;
  Attr<int> loop = 1;
  std::optional<std::string> digits;
};

struct Pause {
  Attr<int> length = 1;  // seconds
};

struct Redirect {
  std::string url;
  Attr<HttpMethod> method = HttpMethod::post;
};

enum class RejectReason { rejected, busy };

struct Reject {
  Attr<RejectReason> reason = RejectReason::rejected;
  std::vector<Parameter> parameters;  // returned to an Application Connect caller
};

struct Hangup {
  std::vector<Parameter> parameters;
};

struct Refer {
  std::string sip;  // <Sip> text: the Refer-To URI, headers included
  std::optional<std::string> action;
  Attr<HttpMethod> method = HttpMethod::post;
};

using Verb = std::variant<Dial, Say, Play, Pause, Redirect, Reject, Hangup, Refer>;

struct Document {
  std::vector<Verb> verbs;
  std::vector<Alert> warnings;  // 12200 and the per-element method codes; never fatal
};

std::string_view name_of(const Verb& verb);  // "Dial", "Say" …
std::string_view name_of(const Noun& noun);  // "Sip", "Number" …

}  // namespace sipref::twiml
