// Engine: call screening [sip.screening] — the TwiML of <Sip url> runs on the answered leg
// before the bridge; if it ends normally the legs are bridged, if it hangs up they never are.
#include "call/engine.h"
#include "call/status_callbacks.h"
#include "sip/uri.h"
#include "twiml/parser.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {
namespace {

// [sip.answer.params]: the request for the answered leg describes that leg.
webhook::Params screening_params(const Session& s, const Leg& child) {
  webhook::Params p = dialled_leg_params(s, child);
  p.add("CallStatus", "in-progress");
  p.add("SipCallId", std::string(child.invite.header("Call-ID").value_or("")));
  auto dialled = sip::parse_uri(child.invite.request_uri());
  p.add("SipDomain", dialled ? dialled->host : std::string());
  p.add("SipSourceIp", child.flow.remote.ip);
  for (const auto& h : child.answer_x_headers) p.add("SipHeader_" + h.name, h.value);
  return p;
}

}  // namespace

void Engine::start_screening(Session& s, Leg& child) {
  s.dial->screening.emplace();
  s.dial->screening->leg = child.id;
  log::info(s.call_sid, "screening", child.call_sid + ": " + *child.screening_url);
  fetch_screening(s, *child.screening_url, child.screening_method);
}

void Engine::fetch_screening(Session& s, const std::string& url_text, HttpMethod method) {
  Screening& screening = *s.dial->screening;
  const Leg* child = leg(screening.leg);
  auto url = webhook::resolve_in_document(screening.document_url.empty() ? s.document_url : screening.document_url, url_text);
  if (!url || !child) {
    raise(s, {11100, "invalid screening URL '" + url_text + "'"});
    return screen_out(s, "invalid screening URL");
  }
  webhook::Request request;
  request.method = method;
  request.url = url->to_string();
  request.params = screening_params(s, *child);
  request.auth_token = s.account->auth_token;
  request.call_sid = child->call_sid;
  screening.fetching = true;
  log::info(child->call_sid, "webhook", std::string(to_string(method)) + " " + request.url + " (screening)");
  webhooks_->fetch(std::move(request), [this, sid = s.call_sid, id = child->id](webhook::Response response) {
    on_screening_twiml(sid, id, std::move(response));
  });
}

void Engine::on_screening_twiml(const std::string& call_sid, LegId leg_id, webhook::Response response) {
  Session* s = session(call_sid);
  if (!s || !s->dial || !s->dial->screening || s->dial->screening->leg != leg_id) return;
  Screening& screening = *s->dial->screening;
  screening.fetching = false;
  if (s->over || s->dial->status) return maybe_destroy(*s);
  if (!response.ok()) {
    raise(*s, {response.alert, "screening webhook " + response.url + " failed: " + response.detail});
    return screen_out(*s, "no screening TwiML");
  }
  auto document = twiml::parse_twiml(response.body);
  if (!document) {
    raise(*s, document.error());
    return screen_out(*s, "screening TwiML unusable");
  }
  for (const auto& warning : document->warnings) raise(*s, warning);
  screening.program = std::move(*document);
  screening.next_verb = 0;
  screening.document_url = response.url;
  run_screening(*s);
}

// Runs the screening verbs; the leg hears them, the caller keeps waiting. A verb that takes time
// re-enters through a timer; the end of the document bridges.
void Engine::run_screening(Session& s) {
  while (s.dial && s.dial->screening && !s.dial->status && !s.over) {
    Screening& screening = *s.dial->screening;
    if (screening.next_verb >= screening.program.verbs.size()) {
      Leg* child = leg(screening.leg);
      s.dial->screening.reset();
      if (!child || !child->answered() || child->state == LegState::ending) return;
      log::info(s.call_sid, "screening-done", child->call_sid);
      return bridge(s, *child);
    }
    const twiml::Verb verb = screening.program.verbs[screening.next_verb++];
    auto wait_then_continue = [&](Duration delay) {
      timers_.start(delay, [this, sid = s.call_sid, id = screening.leg] {
        Session* live = session(sid);
        if (live && live->dial && live->dial->screening && live->dial->screening->leg == id) run_screening(*live);
      });
    };
    if (const auto* say = std::get_if<twiml::Say>(&verb)) {
      return wait_then_continue(Duration(60 * static_cast<long>(say->text.size()) * std::max(1, say->loop.value)));
    } else if (const auto* play = std::get_if<twiml::Play>(&verb)) {
      return wait_then_continue(std::chrono::seconds(std::max(1, play->loop.value)));
    } else if (const auto* pause = std::get_if<twiml::Pause>(&verb)) {
      return wait_then_continue(std::chrono::seconds(pause->length.value));
    } else if (const auto* redirect = std::get_if<twiml::Redirect>(&verb)) {
      return fetch_screening(s, redirect->url, redirect->method.value);
    } else if (std::holds_alternative<twiml::Dial>(verb)) {
      raise(s, {13201, "<Dial> inside call screening TwiML: the screened leg is hung up"});
      return screen_out(s, "<Dial> in screening TwiML");
    } else if (std::holds_alternative<twiml::Hangup>(verb) || std::holds_alternative<twiml::Reject>(verb)) {
      return screen_out(s, std::string("<") + std::string(twiml::name_of(verb)) + "> in screening TwiML");
    } else {
      raise(s, {12200, std::string("<") + std::string(twiml::name_of(verb)) + "> is not supported in screening TwiML: skipped"});
    }
  }
}

// The screened leg is hung up and never bridged; the dial is over: the leg answered, so it
// completed, with DialBridged=false.
void Engine::screen_out(Session& s, const std::string& why) {
  const LegId id = s.dial->screening->leg;
  s.dial->screening.reset();
  Leg* child = leg(id);
  log::info(s.call_sid, "screened-out", why);
  if (child) hang_up(*child);
  finish_dial(s, DialStatus::completed, id);
}

}  // namespace sipref::call
