// Engine: the operations metrics of design.md (active calls, calls by final status, webhook
// latency, post-dial delay, SIP messages in/out by method or status, retransmissions).
#include "call/engine.h"

namespace sipref::call {
namespace {

// Latency buckets from 0.25 ms to 10 s: fine below 10 ms, where loopback webhooks and the
// post-dial-delay target (p99 <= 5 ms) sit, coarse above for real web applications.
const std::vector<double> kLatencyBuckets = {0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.004,
                                             0.005,   0.0075, 0.01,    0.025, 0.05,   0.1,   0.25,  0.5,
                                             1,       2.5,    5,       10};

template <class Rep, class Period>
double seconds(std::chrono::duration<Rep, Period> d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

void Engine::declare_metrics() {
  using Kind = Metrics::Kind;
  metrics_.declare("sipref_calls_active", Kind::gauge, "Parent calls in progress.");
  metrics_.declare("sipref_legs_active", Kind::gauge, "SIP legs held (inbound and dialled).");
  metrics_.declare("sipref_transactions_active", Kind::gauge,
                   "SIP transactions alive, lingering ones (timers D, I, J, K, L, M) included.");
  metrics_.declare("sipref_calls_total", Kind::counter,
                   "Parent calls ended, by the final status their INVITE got (200 when answered).");
  metrics_.declare("sipref_webhook_seconds", Kind::histogram,
                   "TwiML fetch latency, redirects and retries included.", kLatencyBuckets);
  metrics_.declare("sipref_post_dial_delay_seconds", Kind::histogram,
                   "From the caller's INVITE to the first dialled INVITE, webhook fetch included.",
                   kLatencyBuckets);
  metrics_.declare("sipref_sip_messages_received_total", Kind::counter,
                   "SIP messages received, by request method or response status.");
  metrics_.declare("sipref_sip_messages_sent_total", Kind::counter,
                   "SIP messages sent, by request method or response status.");
  // A counter kept by the transaction layer; copied in when rendered.
  metrics_.declare("sipref_sip_retransmissions_total", Kind::counter,
                   "Messages sent again by transaction timers A, E and G since start.");
}

void Engine::count_sip(std::string_view metric, const sip::Message& message) {
  if (message.is_response()) metrics_.add(metric, {{"status", std::to_string(message.status())}});
  else metrics_.add(metric, {{"method", message.method()}});
}

void Engine::count_call_ended(const Leg& inbound) {
  metrics_.add("sipref_calls_total", {{"status", std::to_string(inbound.final_status)}});
}

void Engine::observe_post_dial_delay(const Session& s) {
  metrics_.observe("sipref_post_dial_delay_seconds", seconds(timers_.now() - s.started_at));
}

void Engine::observe_webhook(const webhook::Response& response) {
  metrics_.observe("sipref_webhook_seconds", seconds(response.elapsed));
}

std::string Engine::render_metrics() {
  metrics_.set("sipref_calls_active", {}, static_cast<double>(sessions_.size()));
  metrics_.set("sipref_legs_active", {}, static_cast<double>(legs_.size()));
  metrics_.set("sipref_transactions_active", {}, static_cast<double>(transactions_.live_transactions()));
  metrics_.set("sipref_sip_retransmissions_total", {}, static_cast<double>(transactions_.retransmissions()));
  return metrics_.render();
}

}  // namespace sipref::call
