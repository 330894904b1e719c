// Engine: fetching TwiML and running it verb by verb for a parent call (the program counter is
// Session::next_verb); a verb that takes time returns and run() is called again when it is done.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <expected>
#include <utility>

#include "call/engine.h"
#include "util/deviations.h"
#include "twiml/parser.h"
#include "util/log.h"
#include "webhook/url.h"

namespace sipref::call {
namespace {

// A fetch's document, or the alert that makes the fetch a failure: the HTTP outcome
// [webhook.http-error, webhook.timeout, webhook.content-type], then the TwiML [twiml.parse].
// Each alert names the request, which the debugger payload reports [webhook.alerts].
std::expected<twiml::Document, Alert> document_of(const webhook::Response& response) {
  const AlertRequest request{response.url, response.method, response.status};
  if (!response.ok())
    return std::unexpected(
        Alert{response.alert, "webhook " + response.url + " failed: " + response.detail, request});
  auto document = twiml::parse_twiml(response.body);
  if (!document) {
    document.error().request = request;
  } else {
    for (auto& warning : document->warnings) warning.request = request;
  }
  return document;
}

}  // namespace

void Engine::raise(const Session& s, const Alert& alert) {
  alerts_.raise(alert, s.account, s.call_sid);
}

void Engine::fetch_twiml(Session& s, std::string url, HttpMethod method, webhook::Params params) {
  s.fetching = true;
  webhook::Request request;
  request.method = method;
  request.url = std::move(url);
  request.params = std::move(params);
  request.auth_token = s.account->auth_token;
  request.call_sid = s.call_sid;
  log::info(s.call_sid, "webhook", std::string(to_string(method)) + " " + request.url);
  webhooks_->fetch(std::move(request), [this, sid = s.call_sid, epoch = s.program_epoch](webhook::Response response) {
    Session* live = session(sid);
    if (live && live->program_epoch != epoch) return maybe_destroy(*live);  // redirected meanwhile
    on_twiml(sid, std::move(response));
  });
}

// Requests the voice URL's fallback, when the entry point has one, with the voice request's
// parameters plus ErrorCode and ErrorUrl [webhook.fallback]; false when it has none.
bool Engine::fetch_fallback(Session& s, const Alert& failure, const std::string& failed_url) {
  if (deviates(Deviation::fallback_ignored)) return false;
  const config::VoiceWebhook* entry = s.domain        ? &s.domain->voice
                                      : s.application ? &s.application->config.voice
                                      : s.api         ? &s.api->entry
                                                      : nullptr;
  if (!entry || !entry->fallback_url) return false;
  const config::VoiceWebhook& voice = *entry;
  webhook::Params params = voice_params(s);
  params.add("ErrorCode", std::to_string(failure.code));
  params.add("ErrorUrl", failed_url);
  s.voice_failure = failure;
  fetch_twiml(s, *voice.fallback_url, voice.fallback_method, std::move(params));
  return true;
}

// TwiML given in a REST request rather than fetched [api.calls.create, api.calls.update]: the
// same checks and alerts as a fetched document; relative URLs in it have no base.
void Engine::run_inline_twiml(Session& s, const std::string& text) {
  auto document = twiml::parse_twiml(text);
  if (!document) {
    raise(s, document.error());
    return fail_session(s, document.error());
  }
  for (const auto& warning : document->warnings) raise(s, warning);
  s.program = std::move(*document);
  s.next_verb = 0;
  s.document_url.clear();
  run(s);
}

void Engine::on_twiml(const std::string& call_sid, webhook::Response response) {
  Session* s = session(call_sid);
  if (!s) return;
  s->fetching = false;
  observe_webhook(response);
  const bool voice_url = std::exchange(s->voice_fetch, false);
  if (s->over) return maybe_destroy(*s);
  auto document = document_of(response);
  if (!document) {
    raise(*s, document.error());
    if (voice_url && fetch_fallback(*s, document.error(), response.url)) return;
    // When the fallback fails too, the Warning or Reason names the voice URL's failure: the
    // cause, and what the call shows when no fallback is configured.
    return fail_session(*s, s->voice_failure.value_or(document.error()));
  }
  s->voice_failure.reset();
  for (const auto& warning : document->warnings) raise(*s, warning);
  s->program = std::move(*document);
  s->next_verb = 0;
  s->document_url = response.url;
  run(*s);
}

// Runs verbs until one has to wait (a dial, a pause, a fetch) or the document ends, in which
// case the call is hung up [twiml.end].
void Engine::run(Session& s) {
  while (!s.over && s.next_verb < s.program.verbs.size()) {
    const twiml::Verb verb = s.program.verbs[s.next_verb++];
    bool wait = false;
    run_verb(s, verb, wait);
    if (wait) return;
  }
  if (!s.over) {
    if (transfer_twiml_ended(s)) return;  // [refer.aob-true.no-answer]: the original bridge stays
    log::info(s.call_sid, "twiml-ended", "");
    // Never answered (answerOnBridge): 486 when the last dial found the callee busy, else 480.
    end_session(s, s.dial && s.dial->status == DialStatus::busy ? 486 : 480);
  }
}

void Engine::after(Session& s, Duration delay) {
  timers_.start(delay, [this, sid = s.call_sid, epoch = s.program_epoch] {
    if (Session* live = session(sid); live && !live->over && live->program_epoch == epoch) run(*live);
  });
}

void Engine::run_verb(Session& s, const twiml::Verb& verb, bool& wait) {
  Leg* in = leg(s.inbound);
  if (!in) return;
  auto answer_inbound = [&] { answer(*in, local_sdp_for(*in, s.edge, in->remote_sdp)); };
  log::info(s.call_sid, "verb", std::string(twiml::name_of(verb)));
  if (s.application) before_application_verb(s, verb);  // [app.*]
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, twiml::Dial>) {
          wait = true;
          transfer_dial_starting(s);
          start_dial(s, v);
          transfer_dial_started(s);
        } else if constexpr (std::is_same_v<V, twiml::Hangup>) {
          answer_inbound();  // <Hangup> does not prevent the answer [twiml.hangup]
          end_session(s);
        } else if constexpr (std::is_same_v<V, twiml::Reject>) {
          end_session(s, v.reason.value == twiml::RejectReason::busy ? 486 : 404);
        } else if constexpr (std::is_same_v<V, twiml::Pause>) {
          // Answers once it has waited [twiml.answer]: as the first verb it delays pick-up.
          wait = true;
          timers_.start(std::chrono::seconds(v.length.value), [this, sid = s.call_sid, epoch = s.program_epoch] {
            Session* live = session(sid);
            if (!live || live->over || live->program_epoch != epoch) return;
            if (Leg* caller = leg(live->inbound); caller && !deviates(Deviation::pause_never_answers))
              answer(*caller, local_sdp_for(*caller, live->edge, caller->remote_sdp));
            run(*live);
          });
        } else if constexpr (std::is_same_v<V, twiml::Say>) {
          answer_inbound();  // the reference streams no speech: 60 ms per character [twiml.say-play]
          wait = true;
          after(s, Duration(60 * static_cast<long>(v.text.size()) * std::max(1, v.loop.value)));
        } else if constexpr (std::is_same_v<V, twiml::Play>) {
          answer_inbound();
          wait = true;
          after(s, std::chrono::seconds(std::max(1, v.loop.value)));
        } else if constexpr (std::is_same_v<V, twiml::Redirect>) {
          auto target = webhook::resolve_in_document(s.document_url, v.url);
          if (!target) {
            raise(s, {11100, "invalid <Redirect> URL '" + v.url + "'"});
            return;
          }
          wait = true;
          fetch_twiml(s, target->to_string(), v.method.value, voice_params(s));
        } else if constexpr (std::is_same_v<V, twiml::Refer>) {
          wait = true;
          start_refer_verb(s, v);
        } else {
          raise(s, {12200, std::string("<") + std::string(twiml::name_of(verb)) + "> is not supported here: skipped"});
        }
      },
      verb);
}

}  // namespace sipref::call
