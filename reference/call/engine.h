// The call engine: the UA core above the transaction layer. It turns inbound INVITEs into
// sessions that run TwiML, dials child legs, bridges them and tears everything down.
#pragma once

#include <cstddef>
#include <expected>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "call/dial_plan.h"
#include "call/alerts.h"
#include "call/call_records.h"
#include "call/rest_model.h"
#include "call/admission.h"
#include "call/leg.h"
#include "call/overload.h"
#include "call/registrar.h"
#include "call/session.h"
#include "call/sip_target.h"
#include "call/status_callbacks.h"
#include "config/config.h"
#include "media/relay.h"
#include "sip/dialog_table.h"
#include "sip/timers.h"
#include "sip/transaction.h"
#include "twiml/document.h"
#include "util/metrics.h"
#include "webhook/client.h"

namespace boost::asio {
class io_context;
}

namespace sipref::sip {
class Transport;
}

namespace sipref::call {

using Duration = sip::Duration;

// A new SID: the two-letter prefix and 32 lower-case hex digits (webhook.sid.format).
std::string new_sid(std::string_view prefix);

// A TwiML App of the Applications resource as the call engine dials it [app.*].
config::Application application_config(const AppRecord& app);

class Engine final : public sip::TransactionUser {
 public:
  Engine(const config::Config& config, boost::asio::io_context& io, sip::Transport& transport,
         sip::Timers& timers);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void on_request(sip::TransactionId server, const sip::Message& request, const sip::Flow& from) override;
  void on_response(sip::TransactionId client, const sip::Message& response, const sip::Flow& from) override;
  void on_stray_response(const sip::Message& response, const sip::Flow& from) override;
  void on_failure(sip::TransactionId id, sip::TransactionFailure why) override;

  std::size_t active_calls() const { return sessions_.size(); }
  // SIGTERM: new calls get 503 from now on; `drained` is called once no call is left, at the
  // latest limits.drain after which the remaining calls are ended.
  void drain(std::function<void()> drained);
  // /metrics: Prometheus text of the engine's counters (call it on the engine's loop).
  std::string render_metrics();
  std::size_t live_legs() const { return legs_.size(); }

  // ---- REST API [api.*]: run these on the engine's loop only (api::EngineBackend posts there).
  // rest.cpp (the resources) and outbound_api.cpp (calls the API places). ----
  std::expected<CallRecord, Refusal> create_call(const OutboundCall& request);
  std::expected<CallRecord, Refusal> find_call(const std::string& account, const std::string& sid);
  std::expected<std::vector<CallRecord>, Refusal> list_calls(const std::string& account, const CallFilter& filter);
  std::expected<CallRecord, Refusal> update_call(const std::string& account, const std::string& sid,
                                                 const CallUpdate& update);
  std::expected<AppRecord, Refusal> create_application(const std::string& account, const AppChange& fields);
  std::expected<AppRecord, Refusal> find_application(const std::string& account, const std::string& sid);
  std::expected<std::vector<AppRecord>, Refusal> list_applications(const std::string& account);
  std::expected<AppRecord, Refusal> update_application(const std::string& account, const std::string& sid,
                                                       const AppChange& fields);
  std::expected<void, Refusal> delete_application(const std::string& account, const std::string& sid);

 private:
  // SIP side (engine.cpp)
  void on_new_invite(sip::TransactionId server, const sip::Message& invite, const sip::Flow& from);
  void on_in_dialog_request(sip::TransactionId server, const sip::Message& request, const sip::Flow& from);
  void on_ack(const sip::Message& ack);
  void on_cancel(sip::TransactionId server, const sip::Message& cancel);
  bool refused_unsupported(sip::TransactionId server, const sip::Message& request);
  void on_options(sip::TransactionId server, const sip::Message& request);
  void on_refer(sip::TransactionId server, const sip::Message& refer, Leg& leg);
  void respond_with_warning(sip::TransactionId server, const sip::Message& request, int status,
                            const std::string& host, std::string_view warning);
  void on_invite_response(Leg& leg, const sip::Message& response);
  void respond(sip::TransactionId server, const sip::Message& request, int status,
               std::string_view reason = {});

  // Operations metrics (metrics.cpp)
  void declare_metrics();
  void count_sip(std::string_view metric, const sip::Message& message);
  void count_call_ended(const Leg& inbound);
  void observe_post_dial_delay(const Session& session);
  void observe_webhook(const webhook::Response& response);
  Metrics metrics_;

  // REST API internals (rest.cpp, outbound_api.cpp)
  WallTime wall_of(sip::Clock::time_point when) const;
  CallRecord record_of(const Session& session, const Leg& leg) const;
  std::vector<CallRecord> records_of(const Session& session) const;
  std::optional<CallRecord> live_record(const std::string& sid) const;
  void redirect(Session& session, const CallUpdate& update);
  const AppRecord* find_app(std::string_view sid) const;
  std::expected<NounPlan, Refusal> plan_api_target(const OutboundCall& request, const config::Account& account);
  void start_api_call(const std::string& call_sid, const NounPlan& plan);
  void api_call_answered(Session& session);
  void api_call_unanswered(Session& session);
  bool is_api_leg(const Session* session, const Leg& leg) const {
    return session && session->api && session->inbound == leg.id;
  }
  void check_drained();
  std::function<void()> drained_;        // set while draining
  std::vector<AppRecord> applications_;  // from config, then changed through the REST API
  CallHistory history_;                  // ended calls, for fetch and list

  // Legs (legs.cpp)
  Leg& new_leg(Session& session, bool inbound);
  Leg* leg(LegId id);
  void send_provisional(Leg& leg, int status);
  void answer(Leg& leg, std::string sdp);
  void reject(Leg& leg, int status, std::string_view warning = {});
  void hang_up(Leg& leg, std::string_view reason = {});  // reason: a Reason header value for BYE
  void cancel(Leg& leg);
  void send_bye(Leg& leg);  // hang_up's BYE, now or once the ACK of our 2xx came
  void leg_ended(Leg& leg);
  sip::Flow flow_to(std::string_view uri, const std::string& edge) const;
  std::string contact_for(const std::string& edge, sip::TransportKind kind) const;
  // Our SDP for `leg`: `sdp` (the other side's) naming the leg's relay port on `edge`'s media
  // address, opened on first use. Empty (and leg.media_failed) when no port is free.
  std::string local_sdp_for(Leg& leg, const std::string& edge, std::string_view sdp);

  // TwiML (program.cpp)
  void fetch_twiml(Session& session, std::string url, HttpMethod method, webhook::Params params);
  bool fetch_fallback(Session& session, const Alert& failure, const std::string& failed_url);
  // Logs the alert and posts it to the session's account's debugger webhook [webhook.alerts];
  // alerts of no call go straight to alerts_.raise with a null account or an empty SID.
  void raise(const Session& session, const Alert& alert);
  void run_verb(Session& session, const twiml::Verb& verb, bool& wait);
  void after(Session& session, Duration delay);
  void on_twiml(const std::string& call_sid, webhook::Response response);
  void run_inline_twiml(Session& session, const std::string& text);
  void run(Session& session);
  webhook::Params voice_params(const Session& session) const;
  void end_session(Session& session, int unanswered_status = 480);
  // The call ends because no usable TwiML came [webhook.failure-no-fallback]: 500 with a Warning
  // when unanswered, else BYE with a Reason naming the alert. The caller has raised the alert.
  void fail_session(Session& session, const Alert& alert);
  void maybe_destroy(Session& session);
  Session* session(const std::string& call_sid);
  // A parent call of `account` with a new CallSid, its start times set; not yet in sessions_.
  std::unique_ptr<Session> new_session(const config::Account& account) const;

  // <Dial> (dial.cpp)
  void start_dial(Session& session, twiml::Dial dial);
  void dial_step(Session& session, const std::vector<std::size_t>& nouns);
  void dial_noun(Session& session, const twiml::Noun& noun);
  std::optional<std::string> registered_aor(const std::string& request_uri) const;
  std::vector<Registration> client_contacts(const config::Account& account, const std::string& identity) const;
  void apply(Session& session, DialFork::Next next);
  void start_leg(Session& session, const LegPlan& plan);
  Leg& new_outbound_leg(Session& session, const LegPlan& plan);
  sip::Message make_invite(const Session& session, const Leg& leg, const LegPlan& plan,
                           const std::string& caller_user) const;
  void send_invite(Leg& leg, sip::Message invite);
  void fail_leg_unstarted(Session& session, int status, const std::string& why, bool sip_noun);
  bool retry_with_credentials(Leg& leg, const sip::Message& challenge);
  void on_child_answered(Session& session, Leg& child);
  void on_child_failed(Session& session, Leg& child);
  void on_dial_timeout(const std::string& call_sid);
  void on_time_limit(const std::string& call_sid);
  void end_bridge_from_our_side(Session& session, std::string_view why);
  void send_digits(Leg& leg, const std::string& digits);  // media_events.cpp
  void stop_dial_timers(DialRun& dial);
  void finish_dial(Session& session, DialStatus status, LegId reported);
  webhook::Params dial_action_params(const Session& session, DialStatus status, const Leg* reported) const;
  void bridged_leg_hung_up(Session& session, Leg& leg);
  void bridge(Session& session, Leg& child);
  void arm_time_limit(Session& session, Duration left);  // [dial.time-limit]

  // Application Connect: a TwiML App's call run on the caller's leg, no SIP leg (application.cpp)
  void dial_application(Session& parent, const twiml::Application& noun);
  webhook::Params application_params(const Session& call) const;
  void before_application_verb(Session& call, const twiml::Verb& verb);
  void end_application(Session& call, int unanswered_status);
  void drop_application(Leg& stand_in);

  // Call screening on the answered leg (screening.cpp)
  void start_screening(Session& session, Leg& child);
  void fetch_screening(Session& session, const std::string& url, HttpMethod method);
  void on_screening_twiml(const std::string& call_sid, LegId leg, webhook::Response response);
  void run_screening(Session& session);
  void screen_out(Session& session, const std::string& why);

  // ---- Inbound REFER blind transfer and the <Refer> verb (refer.cpp, refer_verb.cpp) [refer.*] ----
  // The Transfer machine (transfer.h) decides; these perform its commands. The rest of the
  // engine calls the transfer_* hooks at the points a transfer cares about.
  void start_transfer(sip::TransactionId server, const sip::Message& refer, Session& session,
                      Leg& transferor, Leg& transferee, const std::string& refer_to);
  webhook::Params refer_params(const Session& session, const Leg& transferee) const;
  void on_refer_twiml(const std::string& call_sid, webhook::Response response);
  void perform(Session& session, Transfer::Next next);
  void send_refer_notify(Leg& transferor, int status);
  // The referUrl TwiML (TransferRun::fetched) takes over the transferee: it becomes the leg the
  // session's TwiML runs on; with answerOnBridge the call's state is saved to go back to.
  void run_refer_twiml(Session& session);
  void reconnect_transferee(Session& session);  // back to the saved state and bridge
  void transfer_dial_starting(Session& session);  // program.cpp: before a <Dial> starts
  void transfer_dial_started(Session& session);   // program.cpp: after it started
  void transfer_bridged(Session& session);        // dial.cpp: bridge() connected a leg
  // dial.cpp: finish_dial() is about to report a dial; true when the transfer took it over.
  bool transfer_dial_ended(Session& session, LegId reported);
  bool transfer_twiml_ended(Session& session);    // program.cpp: true when the call goes on
  void transfer_leg_leaving(Leg& leg);            // legs.cpp: hang_up() is about to BYE `leg`
  // <Refer> verb [refer.outbound] (refer_verb.cpp)
  void start_refer_verb(Session& session, const twiml::Refer& verb);
  void on_refer_verb_response(Leg& leg, const sip::Message& response);
  bool on_refer_verb_notify(Leg& leg, const sip::Message& notify);  // true when it was ours
  void finish_refer_verb(Session& session);
  void refer_verb_caller_left(Session& session);
  std::unordered_map<sip::TransactionId, LegId> refer_transactions_;  // REFERs we sent
  // ---- end of REFER ----

  // ---- Anchored media and DTMF (legs.cpp, media_events.cpp) [dial.hangup-on-star] ----
  std::unique_ptr<media::Relay> make_relay();
  void send_early_media(Leg& inbound, const std::string& sdp);  // 183 Session Progress + SDP
  void media_remote(Leg& leg);  // where the relay sends to leg's party: its SDP's c=/m=
  // Packets of each go to the other from now on: at the bridge, for early media, or later
  // when the bridge changes (no re-INVITE needed).
  void media_bridge(Leg& a, Leg& b);
  void media_unbridge(Leg& leg);  // its packets (and its partner's) go nowhere until re-paired
  // A provisional response with SDP from a dialled leg under answerOnBridge: the caller gets
  // 183 with our SDP and hears that leg [dial.answer-on-bridge].
  void media_early(Session& session, Leg& child, const sip::Message& provisional);
  void media_release(Leg& leg);
  void on_media_dtmf(std::uint64_t endpoint, std::uint8_t event);
  void hang_up_on_star(Session& session, Leg& from);
  // ---- end of anchored media ----

  // ---- SIP domain admission and registration (register.cpp) [inbound.ip-acl,
  // inbound.credentials, inbound.register] ----
  void on_register(sip::TransactionId server, const sip::Message& request, const sip::Flow& from);
  // Checks an INVITE to `domain` against its IP access list and credential list; answers it
  // (403, 407 challenge, 400) and returns nullopt when it may not start a call. Otherwise the
  // digest username it authenticated with ("" when the domain has no credential list).
  std::optional<std::string> admit_invite(sip::TransactionId server, const sip::Message& invite,
                                          const sip::Flow& from, const config::Domain& domain);
  void answer_refusal(sip::TransactionId server, const sip::Message& request,
                      const config::Domain& domain, const Admission& admission);
  const sip::DigestServer& digest_for(const config::Domain& domain);  // realm: the domain name
  std::string edge_of(const sip::Flow& flow) const;  // the edge whose address `flow` reached
  // What a <Client> or a registered <Sip> rings: the live contacts of an AOR (make_aor).
  std::vector<Registration> registered_contacts(std::string_view aor) const {
    return registrar_.contacts(aor, timers_.now());
  }
  Registrar registrar_;
  std::unordered_map<std::string, std::unique_ptr<sip::DigestServer>> digests_;  // by domain
  // ---- end of admission and registration ----

  boost::asio::io_context& io_;
  const config::Config& config_;
  sip::Transport& transport_;
  sip::Timers& timers_;
  sip::TransactionLayer transactions_;
  EdgeNames edge_names_;
  Overload overload_{config_.limits};  // after config_, which it is made from
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
  std::unordered_map<LegId, std::unique_ptr<Leg>> legs_;
  sip::DialogTable<LegId> dialogs_;
  std::unordered_map<sip::TransactionId, LegId> client_transactions_;  // INVITE/BYE we sent
  std::unordered_map<sip::TransactionId, LegId> server_invites_;       // INVITEs we received
  LegId next_leg_id_ = 1;
  // Dialled legs' status callbacks; requests go through webhooks_, resolved when each is sent.
  StatusCallbacks status_callbacks_{
      [this](webhook::Request request, webhook::WebhookClient::Done done) {
        webhooks_->fetch(std::move(request), std::move(done));
      }};
  // Anchored media: the relay (after io_ and config_, which it is made from) and which leg
  // each relay endpoint belongs to.
  std::unique_ptr<media::Relay> relay_ = make_relay();
  std::unordered_map<std::uint64_t, LegId> media_legs_;
  // Alerts: logged, and posted to the account's debugger webhook through webhooks_.
  Alerts alerts_{[this](webhook::Request request, webhook::WebhookClient::Done done) {
    webhooks_->fetch(std::move(request), std::move(done));
  }};
  std::unique_ptr<webhook::WebhookClient> webhooks_;  // last: destroyed first, while we exist
};

}  // namespace sipref::call
