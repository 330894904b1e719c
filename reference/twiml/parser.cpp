#include "twiml/parser.h"

#include <pugixml.hpp>

#include "util/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

namespace sipref::twiml {

std::string_view name_of(const Verb& verb) {
  static constexpr std::string_view names[] = {"Dial",     "Say",    "Play",   "Pause",
                                               "Redirect", "Reject", "Hangup", "Refer"};
  return names[verb.index()];
}

std::string_view name_of(const Noun& noun) {
  static constexpr std::string_view names[] = {"Sip", "Number", "Client", "Application"};
  return names[noun.index()];
}

namespace {

constexpr int kSchema = 12200;

std::string trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

bool iequals(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

bool is_text(pugi::xml_node node) {
  return node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata;
}

// The element's own text (not its children's), trimmed.
std::string own_text(pugi::xml_node node) {
  std::string text;
  for (auto child : node.children())
    if (is_text(child)) text += child.value();
  return trim(text);
}

// All text below the element, markup removed (SSML inside <Say>).
std::string all_text(pugi::xml_node node) {
  std::string text;
  for (auto child : node.children())
    text += is_text(child) ? std::string(child.value()) : all_text(child);
  return text;
}

std::string tag(pugi::xml_node node) {
  return "<" + std::string(node.name()) + ">";
}

// One element being read. Every attribute accessor marks its attribute as known; the ones no
// accessor asked for are unknown and warned about afterwards (warn_unknown_attributes).
class Element {
 public:
  Element(pugi::xml_node node, std::vector<Alert>& warnings) : node_(node), warnings_(warnings) {}

  pugi::xml_node node() const { return node_; }
  void warn(int code, std::string message) { warnings_.push_back(Alert{code, std::move(message)}); }

  std::optional<std::string> string(const char* name) {
    read_.push_back(name);
    auto attr = node_.attribute(name);
    if (!attr) return std::nullopt;
    return std::string(attr.value());
  }

  // GET or POST (any case); anything else is warned about with `alert` and POST is used.
  Attr<HttpMethod> method(const char* name, int alert) {
    Attr<HttpMethod> out = HttpMethod::post;
    out.raw = string(name);
    if (!out.raw) return out;
    if (auto method = parse_http_method(*out.raw)) {
      out.value = *method;
    } else {
      warn(alert, tag(node_) + " " + name + " '" + *out.raw + "' is not GET or POST; POST is used");
    }
    return out;
  }

  Attr<bool> boolean(const char* name, bool fallback) {
    Attr<bool> out = fallback;
    out.raw = string(name);
    if (!out.raw) return out;
    if (iequals(*out.raw, "true") || iequals(*out.raw, "false")) {
      out.value = iequals(*out.raw, "true");
    } else {
      warn(kSchema, tag(node_) + " " + name + " '" + *out.raw + "' is not true or false; " +
                        (fallback ? "true" : "false") + " is used");
    }
    return out;
  }

  // A whole number; out-of-range values are clamped into [min, max] (REF), others warned about.
  Attr<int> integer(const char* name, int fallback, int min, int max) {
    Attr<int> out = fallback;
    out.raw = string(name);
    if (!out.raw) return out;
    std::string text = trim(*out.raw);
    const char* first = text.data() + (text.starts_with('+') ? 1 : 0);
    long long value = 0;
    auto [end, ec] = std::from_chars(first, text.data() + text.size(), value);
    if (text.empty() || end != text.data() + text.size() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      warn(kSchema, tag(node_) + " " + name + " '" + *out.raw + "' is not a whole number; " +
                        std::to_string(fallback) + " is used");
      return out;
    }
    if (ec == std::errc::result_out_of_range) value = text.starts_with('-') ? min : max;
    out.value = static_cast<int>(std::clamp<long long>(value, min, max));
    return out;
  }

  // Attributes the provider documents that change nothing in the reference (ringTone, trim …).
  void accept(std::initializer_list<const char*> names) { read_.insert(read_.end(), names); }

  void warn_unknown_attributes() {
    for (auto attr : node_.attributes())
      if (std::ranges::none_of(
              read_, [&](const char* known) { return std::strcmp(known, attr.name()) == 0; }))
        warn(kSchema, std::string("Attribute '") + attr.name() +
                          "' is not allowed to appear in element '" + node_.name() + "'; ignored");
  }

 private:
  pugi::xml_node node_;
  std::vector<Alert>& warnings_;
  std::vector<const char*> read_;
};

// Reads the verbs of one <Response>, collecting warnings.
class Reader {
 public:
  explicit Reader(std::vector<Alert>& warnings) : warnings_(warnings) {}

  std::vector<Verb> response(pugi::xml_node root) {
    Element e(root, warnings_);
    e.warn_unknown_attributes();
    warn_stray_text(root);
    std::vector<Verb> verbs;
    for_children(root, [&](pugi::xml_node child) {
      std::optional<std::optional<Verb>> verb = read_verb(child);
      if (verb && *verb) verbs.push_back(std::move(**verb));
      return verb.has_value();
    });
    return verbs;
  }

 private:
  void warn(std::string message) { warnings_.push_back(Alert{kSchema, std::move(message)}); }

  // Runs `take` on each child element; one it does not know (returns false) is skipped with
  // its children [twiml.schema].
  template <class F>
  void for_children(pugi::xml_node parent, F take) {
    for (auto child : parent.children()) {
      if (child.type() != pugi::node_element) continue;
      if (!take(child))
        warn(tag(child) + " is not allowed in " + tag(parent) + "; skipped with its content");
    }
  }
  void no_children(pugi::xml_node parent) {
    for_children(parent, [](pugi::xml_node) { return false; });
  }
  void warn_stray_text(pugi::xml_node parent) {
    if (!own_text(parent).empty()) warn("text directly inside " + tag(parent) + " is ignored");
  }

  // Calls `read` with an Element for `node` and then warns about the attributes it left unread.
  template <class F>
  auto with_element(pugi::xml_node node, F read) {
    Element e(node, warnings_);
    auto result = read(e);
    e.warn_unknown_attributes();
    return result;
  }

  // nullopt: not a verb; an empty optional inside: a verb that was skipped.
  std::optional<std::optional<Verb>> read_verb(pugi::xml_node node) {
    std::string_view name = node.name();
    auto as_verb = [](auto v) { return std::optional<Verb>(std::move(v)); };
    if (name == "Dial") return with_element(node, [&](Element& e) { return as_verb(dial(e)); });
    if (name == "Say") return with_element(node, [&](Element& e) { return as_verb(say(e)); });
    if (name == "Play") return with_element(node, [&](Element& e) { return as_verb(play(e)); });
    if (name == "Pause") return with_element(node, [&](Element& e) { return as_verb(pause(e)); });
    if (name == "Redirect")
      return with_element(node, [&](Element& e) { return as_verb(redirect(e)); });
    if (name == "Reject") return with_element(node, [&](Element& e) { return as_verb(reject(e)); });
    if (name == "Hangup") return with_element(node, [&](Element& e) { return as_verb(hangup(e)); });
    if (name == "Refer") return with_element(node, [&](Element& e) { return refer(e); });
    return std::nullopt;
  }

  // ---- <Dial> and its nouns ----------------------------------------------------------------

  Dial dial(Element& e) {
    Dial d;
    d.action = e.string("action");
    d.method = e.method("method", 13210);
    d.timeout = e.integer("timeout", 30, 5, 600);
    d.answer_on_bridge = e.boolean("answerOnBridge", false);
    d.caller_id = e.string("callerId");
    d.record = record(e);
    d.time_limit = e.integer("timeLimit", 14400, 1, 14400);
    d.hangup_on_star = e.boolean("hangupOnStar", false);
    d.refer_url = e.string("referUrl");
    d.refer_method = e.method("referMethod", kSchema);
    d.sequential = e.boolean("sequential", false);
    e.accept({"ringTone", "trim", "recordingStatusCallback", "recordingStatusCallbackMethod",
              "recordingStatusCallbackEvent", "recordingTrack", "recordingConfigurationId",
              "callReason", "events"});
    for_children(e.node(), [&](pugi::xml_node child) {
      auto noun = read_noun(child);
      if (noun) d.nouns.push_back(std::move(*noun));
      return noun.has_value();
    });
    if (std::string number = own_text(e.node()); !number.empty()) {
      if (d.nouns.empty()) {
        Number plain;
        plain.number = std::move(number);
        d.nouns.push_back(std::move(plain));
      } else {
        warn("text beside nouns in <Dial> is ignored");
      }
    }
    return d;
  }

  std::optional<std::string> record(Element& e) {
    static constexpr std::string_view valid[] = {"do-not-record",
                                                 "record-from-answer",
                                                 "record-from-ringing",
                                                 "record-from-answer-dual",
                                                 "record-from-ringing-dual",
                                                 "true",
                                                 "false"};
    auto value = e.string("record");
    if (value && std::ranges::find(valid, *value) == std::end(valid)) {
      warn("<Dial> record '" + *value + "' is not a recording mode; ignored");
      return std::nullopt;
    }
    return value;
  }

  std::optional<Noun> read_noun(pugi::xml_node node) {
    std::string_view name = node.name();
    if (name == "Sip") return with_element(node, [&](Element& e) { return Noun(sip(e)); });
    if (name == "Number") return with_element(node, [&](Element& e) { return Noun(number(e)); });
    if (name == "Client") return with_element(node, [&](Element& e) { return Noun(client(e)); });
    if (name == "Application")
      return with_element(node, [&](Element& e) { return Noun(application(e)); });
    return std::nullopt;
  }

  StatusCallback status_callback(Element& e) {
    StatusCallback cb;
    cb.url = e.string("statusCallback");
    cb.method = e.method("statusCallbackMethod", kSchema);
    std::string events = e.string("statusCallbackEvent").value_or("");
    for (std::size_t at = 0; at < events.size();) {
      auto end = std::min(events.find_first_of(" \t\r\n", at), events.size());
      std::string_view word = std::string_view(events).substr(at, end - at);
      at = end + 1;
      if (word.empty()) continue;
      static constexpr std::pair<std::string_view, CallEvent> known[] = {
          {"initiated", CallEvent::initiated},
          {"ringing", CallEvent::ringing},
          {"answered", CallEvent::answered},
          {"completed", CallEvent::completed}};
      auto it = std::ranges::find(known, word, &std::pair<std::string_view, CallEvent>::first);
      if (it == std::end(known)) {
        warn(tag(e.node()) + " statusCallbackEvent '" + std::string(word) +
             "' is not an event; ignored");
      } else {
        cb.events.push_back(it->second);
      }
    }
    return cb;
  }

  // Answering-machine detection and BYOC attributes: documented, without effect here.
  static constexpr std::initializer_list<const char*> kNoEffect = {
      "machineDetection",
      "machineDetectionTimeout",
      "machineDetectionSpeechThreshold",
      "machineDetectionSpeechEndThreshold",
      "machineDetectionSilenceTimeout",
      "amdStatusCallback",
      "amdStatusCallbackMethod",
      "byoc"};

  Sip sip(Element& e) {
    Sip s;
    s.uri = own_text(e.node());
    s.username = e.string("username");
    s.password = e.string("password");
    s.url = e.string("url");
    s.method = e.method("method", 13241);
    s.status_callback = status_callback(e);
    e.accept(kNoEffect);
    no_children(e.node());
    return s;
  }

  Number number(Element& e) {
    Number n;
    n.number = own_text(e.node());
    n.url = e.string("url");
    n.method = e.method("method", 13221);
    n.send_digits = e.string("sendDigits");
    if (n.send_digits && !std::ranges::all_of(*n.send_digits, [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'D') ||
                 c == '#' || c == '*' || c == 'w' || c == 'W';
        })) {
      warn("<Number> sendDigits '" + *n.send_digits +
           "' holds characters other than 0-9 A-D # * w W; ignored");
      n.send_digits.reset();
    }
    n.status_callback = status_callback(e);
    e.accept(kNoEffect);
    no_children(e.node());
    return n;
  }

  Client client(Element& e) {
    Client c;
    c.url = e.string("url");
    c.method = e.method("method", kSchema);
    c.status_callback = status_callback(e);
    std::optional<std::string> identity;
    for_children(e.node(), [&](pugi::xml_node child) {
      if (std::string_view(child.name()) != "Identity") return parameter(child, c.parameters);
      identity = leaf_text(child);
      return true;
    });
    c.identity = identity.value_or(own_text(e.node()));
    return c;
  }

  Application application(Element& e) {
    Application a;
    a.customer_id = e.string("customerId");
    a.copy_parent_to = e.boolean("copyParentTo", false);
    e.accept({"url", "method", "statusCallback", "statusCallbackEvent", "statusCallbackMethod"});
    std::optional<std::string> sid;
    for_children(e.node(), [&](pugi::xml_node child) {
      if (std::string_view(child.name()) != "ApplicationSid") return parameter(child, a.parameters);
      sid = leaf_text(child);
      return true;
    });
    a.sid = sid.value_or(own_text(e.node()));
    return a;
  }

  // A text-only element without attributes (<Identity>, <ApplicationSid>, <Refer><Sip>).
  std::string leaf_text(pugi::xml_node node) {
    return with_element(node, [&](Element&) {
      no_children(node);
      return own_text(node);
    });
  }

  // Takes a <Parameter name value/> into `out`; false for any other element.
  bool parameter(pugi::xml_node node, std::vector<Parameter>& out) {
    if (std::string_view(node.name()) != "Parameter") return false;
    with_element(node, [&](Element& e) {
      auto name = e.string("name");
      auto value = e.string("value");
      no_children(node);
      if (!name || name->empty()) {
        warn("<Parameter> without a name is skipped");
      } else {
        out.push_back(Parameter{*name, value.value_or("")});
      }
      return 0;
    });
    return true;
  }

  std::vector<Parameter> parameters_only(Element& e) {
    std::vector<Parameter> out;
    for_children(e.node(), [&](pugi::xml_node child) { return parameter(child, out); });
    return out;
  }

  // ---- the other verbs ---------------------------------------------------------------------

  Say say(Element& e) {
    Say s;
    s.loop = e.integer("loop", 1, 0, 1000);
    s.voice = e.string("voice");
    s.language = e.string("language");
    s.text = trim(all_text(e.node()));  // SSML elements are the provider's: no warning
    return s;
  }

  Play play(Element& e) {
    Play p;
    p.loop = e.integer("loop", 1, 0, 1000);
    p.digits = e.string("digits");
    p.url = own_text(e.node());
    no_children(e.node());
    return p;
  }

  Pause pause(Element& e) {
    Pause p;
    p.length = e.integer("length", 1, 1, 14400);
    no_children(e.node());
    warn_stray_text(e.node());
    return p;
  }

  Redirect redirect(Element& e) {
    Redirect r;
    r.method = e.method("method", kSchema);
    r.url = own_text(e.node());  // empty: the current document again (RFC 3986 §5.2.2)
    no_children(e.node());
    return r;
  }

  Reject reject(Element& e) {
    Reject r;
    auto reason = e.string("reason");
    r.reason.raw = reason;
    if (reason == "busy") r.reason.value = RejectReason::busy;
    if (reason && *reason != "busy" && *reason != "rejected")
      warn("<Reject> reason '" + *reason + "' is not rejected or busy; rejected is used");
    r.parameters = parameters_only(e);
    return r;
  }

  Hangup hangup(Element& e) {
    Hangup h;
    h.parameters = parameters_only(e);
    warn_stray_text(e.node());
    return h;
  }

  std::optional<Verb> refer(Element& e) {
    Refer r;
    r.action = e.string("action");
    r.method = e.method("method", kSchema);
    std::optional<std::string> target;
    for_children(e.node(), [&](pugi::xml_node child) {
      if (std::string_view(child.name()) != "Sip" || target) return false;
      target = leaf_text(child);
      return true;
    });
    if (!target) {
      warn("<Refer> without <Sip> is skipped");
      return std::nullopt;
    }
    // The text becomes the REFER's Refer-To as written: a control byte (a line break written as
    // &#10;, say) would end that header early and put the rest on the wire as headers of its own.
    if (has_control_byte(*target)) {
      warn("<Refer> <Sip> holds a control character; skipped");
      return std::nullopt;
    }
    r.sip = std::move(*target);
    return r;
  }

  std::vector<Alert>& warnings_;
};

// "line 3, column 7" for a byte offset, as an editor counts.
std::string position(std::string_view xml, std::ptrdiff_t offset) {
  auto before =
      xml.substr(0, static_cast<std::size_t>(std::clamp<std::ptrdiff_t>(offset, 0, xml.size())));
  auto line = std::ranges::count(before, '\n') + 1;
  auto last_newline = before.rfind('\n');
  auto column = before.size() - (last_newline == std::string_view::npos ? 0 : last_newline + 1) + 1;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool is_reference(std::string_view rest) {  // what follows an '&', up to its ';'
  auto semicolon = rest.find(';');
  if (semicolon == std::string_view::npos) return false;
  auto name = rest.substr(0, semicolon);
  auto all = [&](std::string_view digits, auto pred) {
    return !digits.empty() && std::ranges::all_of(digits, pred);
  };
  if (name.starts_with("#x"))
    return all(name.substr(2), [](unsigned char c) { return std::isxdigit(c); });
  if (name.starts_with("#"))
    return all(name.substr(1), [](unsigned char c) { return std::isdigit(c); });
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos";
}

// pugixml keeps an '&' that starts no reference as it is; XML says the document is not
// well-formed, and the provider answers 12100 for it [errors/12100: "unescaped &"].
std::optional<std::size_t> bare_ampersand(std::string_view xml) {
  static constexpr std::pair<std::string_view, std::string_view> opaque[] = {
      {"<![CDATA[", "]]>"}, {"<!--", "-->"}, {"<?", "?>"}};
  for (std::size_t at = 0; at < xml.size(); ++at) {
    for (auto [open, close] : opaque) {
      if (xml.substr(at).starts_with(open))
        at = std::min(xml.find(close, at + open.size()), xml.size() - 1);
    }
    if (xml[at] == '&' && !is_reference(xml.substr(at + 1))) return at;
  }
  return std::nullopt;
}

}  // namespace

std::expected<Document, Alert> parse_twiml(std::string_view xml) {
  if (auto at = bare_ampersand(xml))
    return std::unexpected(
        Alert{12100, "Document parse failure: '&' that starts no entity reference at " +
                         position(xml, static_cast<std::ptrdiff_t>(*at))});
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed)
    return std::unexpected(Alert{12100, std::string("Document parse failure: ") +
                                            parsed.description() + " at " +
                                            position(xml, parsed.offset)});
  pugi::xml_node root;
  for (auto child : doc.children()) {
    if (child.type() != pugi::node_element) continue;
    if (root)
      return std::unexpected(Alert{12100, "Document parse failure: more than one root element"});
    root = child;
  }
  if (std::string_view(root.name()) != "Response")
    return std::unexpected(Alert{12102, "The root element must be <Response>, not " + tag(root)});
  Document document;
  document.verbs = Reader(document.warnings).response(root);
  return document;
}

}  // namespace sipref::twiml
