#include "sip/transaction.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <random>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sip/headers.h"
#include "sip/response.h"
#include "util/log.h"

namespace sipref::sip {
namespace {

constexpr std::string_view kMagicCookie = "z9hG4bK";  // §8.1.1.7: an RFC 3261 branch

enum class Kind { client_invite, client_non_invite, server_invite, server_non_invite };

// The union of the four machines' states (figures 5-8 of RFC 3261, with RFC 6026's Accepted).
enum class State { calling, trying, proceeding, completed, confirmed, accepted, terminated };

// Everything that moves a transaction. Responses are received ones for client transactions and
// the TU's ones for server transactions.
enum class Event {
  provisional,       // 1xx
  success,           // 2xx
  final_failure,     // 3xx-6xx
  request,           // server: a retransmission of the request
  ack,               // server INVITE: an ACK matching it
  retransmit_timer,  // A, E, G
  timeout_timer,     // B, F, H, and §9.1's limit on waiting for a final after CANCEL
  linger_timer,      // D, I, J, K, L, M: how long a finished transaction absorbs retransmissions
  transport_error,
};

Event response_event(int status) {
  if (status < 200) return Event::provisional;
  return status < 300 ? Event::success : Event::final_failure;
}

struct Input {
  Event event;
  const Message* message = nullptr;  // for response, request and ack events
  const Flow* from = nullptr;        // where `message` came from (the TU's responses: our flow)
};

struct Transaction {
  TransactionId id = 0;
  Kind kind = Kind::client_non_invite;
  State state = State::trying;
  std::string key;     // its entry in the matching index
  std::string branch;  // client: the branch of the Via we added (a CANCEL reuses it)
  Message request;
  Flow flow;
  // What a retransmission from the peer is answered with: the server's last response, or the
  // client INVITE's ACK for a retransmitted non-2xx final.
  std::optional<Message> answer;
  Duration interval{0};  // the current A, E or G interval
  Timers::Handle retransmit = 0;
  Timers::Handle timeout = 0;
  Timers::Handle linger = 0;
  // Client INVITE: a CANCEL waits for a provisional (§9.1), its id reserved by cancel().
  std::optional<Message> deferred_cancel;
  TransactionId cancel_id = 0;

  bool reliable() const { return is_reliable(flow.transport); }
  bool is_client() const { return kind == Kind::client_invite || kind == Kind::client_non_invite; }
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Parameter values compare case-insensitively (§7.3.1), so keys use lower-case branches.
std::string client_key(std::string_view branch, std::string_view method) {
  return "c|" + lower(branch) + "|" + std::string(method);
}

// §17.1.3: a response matches the client transaction of its top Via's branch and CSeq method.
std::optional<std::string> response_key(const Message& response) {
  auto via_value = response.header("Via");
  auto cseq_value = response.header("CSeq");
  if (!via_value || !cseq_value) return std::nullopt;
  auto via = parse_via(*via_value);
  auto cseq = parse_cseq(*cseq_value);
  if (!via || !cseq) return std::nullopt;
  return client_key(via->branch(), cseq->method);
}

// RFC 2543 peers have no unique branch, so §17.2.3 falls back to the fields that identify the
// request. The To tag is left out: the ACK for a non-2xx carries the tag our response added.
std::optional<std::string> rfc2543_key(const Message& request, std::string_view top_via,
                                       std::string_view method) {
  auto from_value = request.header("From");
  auto call_id = request.header("Call-ID");
  auto cseq_value = request.header("CSeq");
  if (!from_value || !call_id || !cseq_value) return std::nullopt;
  auto from = parse_name_addr(*from_value);
  auto cseq = parse_cseq(*cseq_value);
  if (!from || !cseq) return std::nullopt;
  return "s2543|" + request.request_uri() + "|" + std::string(*call_id) + "|" + from->tag() + "|" +
         std::to_string(cseq->number) + "|" + std::string(top_via) + "|" + std::string(method);
}

// §17.2.3: top Via branch and sent-by plus the method; callers pass INVITE for an ACK, and for
// a CANCEL when looking for the INVITE it targets (§9.2).
std::optional<std::string> request_key(const Message& request, std::string_view method) {
  auto via_value = request.header("Via");
  if (!via_value) return std::nullopt;
  auto via = parse_via(*via_value);
  if (!via) return std::nullopt;
  const std::string branch = via->branch();
  if (!branch.starts_with(kMagicCookie)) return rfc2543_key(request, *via_value, method);
  const std::string port = via->port ? std::to_string(*via->port) : "";
  return "s|" + lower(branch) + "|" + lower(via->host) + ":" + port + "|" + std::string(method);
}

// The requests a client INVITE transaction derives from its INVITE: the ACK for a non-2xx
// (§17.1.1.3, `to` from the response, tag included) and the CANCEL (§9.1, `to` from the INVITE).
// Both carry only the INVITE's top Via, so they reach the same next hop as the INVITE did.
Message sibling_request(const Message& invite, std::string method, std::string_view to) {
  Message out = Message::request(method, invite.request_uri());
  out.add("Via", std::string(invite.header("Via").value_or("")));
  for (auto route : invite.all("Route")) out.add("Route", std::string(route));
  out.add("Max-Forwards", "70");
  out.add("From", std::string(invite.header("From").value_or("")));
  out.add("To", std::string(to));
  out.add("Call-ID", std::string(invite.header("Call-ID").value_or("")));
  auto cseq = parse_cseq(invite.header("CSeq").value_or(""));
  out.add("CSeq", std::to_string(cseq ? cseq->number : 0) + " " + method);
  return out;
}

// §8.2.6.1: a 100 also echoes the request's Timestamp.
Message trying_for(const Message& request) {
  Message trying = make_response(request, 100);
  if (auto timestamp = request.header("Timestamp"))
    trying.add("Timestamp", std::string(*timestamp));
  return trying;
}

std::string via_value(const Flow& flow, std::string_view branch) {
  return "SIP/2.0/" + std::string(to_string(flow.transport)) + " " + flow.local.to_string() +
         ";rport;branch=" + std::string(branch);
}

// A stream flow may be reported with or without its connection id, so 0 matches any.
bool same_path(const Flow& a, const Flow& b) {
  return a.transport == b.transport && a.local == b.local && a.remote == b.remote &&
         (a.connection == 0 || b.connection == 0 || a.connection == b.connection);
}

}  // namespace

struct TransactionLayer::Impl {
  Timers& timers;
  MessageSink& sink;
  TransactionUser& user;
  TransactionTimers config;
  // shared_ptr so a handler keeps its transaction alive while it is removed under it (the TU
  // and the sink may call back into the layer).
  std::unordered_map<TransactionId, std::shared_ptr<Transaction>> by_id;
  std::unordered_map<std::string, TransactionId> by_key;
  TransactionId next_id = 1;
  std::uint64_t retransmissions = 0;  // requests and responses sent again by timers A, E, G

  Impl(Timers& t, MessageSink& s, TransactionUser& u, TransactionTimers c)
      : timers(t), sink(s), user(u), config(c) {}

  ~Impl() {
    for (auto& [id, t] : by_id) stop_timers(*t);
  }

  Duration timer_64t1() const { return 64 * config.t1; }

  std::shared_ptr<Transaction> find(TransactionId id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  }

  std::shared_ptr<Transaction> find_key(const std::string& key) const {
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : find(it->second);
  }

  std::shared_ptr<Transaction> add(TransactionId id, Kind kind, State state, std::string key,
                                   Message request, const Flow& flow) {
    auto t = std::make_shared<Transaction>();
    t->id = id != 0 ? id : next_id++;
    t->kind = kind;
    t->state = state;
    t->key = std::move(key);
    t->request = std::move(request);
    t->flow = flow;
    by_key[t->key] = t->id;
    by_id.emplace(t->id, t);
    return t;
  }

  // --- lifecycle -------------------------------------------------------------------------------

  void stop_timers(Transaction& t) {
    for (auto* handle : {&t.retransmit, &t.timeout, &t.linger}) {
      timers.stop(*handle);
      *handle = 0;
    }
  }

  void enter(Transaction& t, State state) {
    stop_timers(t);
    t.state = state;
  }

  void remove(Transaction& t) {
    enter(t, State::terminated);
    if (auto it = by_key.find(t.key); it != by_key.end() && it->second == t.id) by_key.erase(it);
    by_id.erase(t.id);
  }

  // Called after the TU has seen the final response, so it can still use request_of(); a TU
  // that removed the transaction meanwhile (e.g. through a transport error) wins.
  void linger(Transaction& t, Duration duration) {
    if (t.state == State::terminated) return;
    if (duration == Duration::zero()) return remove(t);
    t.linger = schedule(t, duration, Event::linger_timer);
  }

  void report_failure(Transaction& t, TransactionFailure why) {
    enter(t, State::terminated);  // re-entrant calls see it finished; request_of still works
    user.on_failure(t.id, why);
    remove(t);
  }

  // Never for a removed transaction: a send may have failed it re-entrantly just before.
  Timers::Handle schedule(const Transaction& t, Duration after, Event event) {
    if (t.state == State::terminated) return 0;
    return timers.start(after, [this, id = t.id, event] {
      if (auto alive = find(id)) step(*alive, {event});
    });
  }

  void retransmit_after(Transaction& t, Duration interval) {
    t.interval = interval;
    t.retransmit = schedule(t, interval, Event::retransmit_timer);
  }

  void send(const Transaction& t, const Message& message) { sink.send(message, t.flow); }
  // Timers A, E and G: the same message again, counted for operations.
  void resend(const Transaction& t, const Message& message) {
    ++retransmissions;
    send(t, message);
  }

  void answer(Transaction& t, const Message& response) {
    t.answer = response;
    send(t, response);
  }

  // --- creation --------------------------------------------------------------------------------

  TransactionId start_client(Message request, const Flow& to, std::string branch,
                             TransactionId id) {
    const bool invite = request.method() == "INVITE";
    std::string key = client_key(branch, request.method());
    auto t = add(id, invite ? Kind::client_invite : Kind::client_non_invite,
                 invite ? State::calling : State::trying, std::move(key), std::move(request), to);
    t->branch = std::move(branch);
    if (!t->reliable()) retransmit_after(*t, config.t1);            // timer A or E
    t->timeout = schedule(*t, timer_64t1(), Event::timeout_timer);  // timer B or F
    send(*t, t->request);
    return t->id;
  }

  void start_server(const Message& request, const Flow& from, std::string key) {
    const bool invite = request.method() == "INVITE";
    auto t = add(0, invite ? Kind::server_invite : Kind::server_non_invite,
                 invite ? State::proceeding : State::trying, std::move(key), request, from);
    if (invite) answer(*t, trying_for(request));  // §17.2.1: at once, whatever the TU does
    user.on_request(t->id, request, from);
  }

  // §9.1: the CANCEL is its own non-INVITE transaction on the INVITE's flow and branch. If no
  // final response comes within 64*T1 after it, the INVITE transaction is given up.
  void send_cancel(Transaction& invite) {
    Message cancel = std::move(*invite.deferred_cancel);
    invite.deferred_cancel.reset();
    invite.timeout = schedule(invite, timer_64t1(), Event::timeout_timer);
    start_client(std::move(cancel), invite.flow, invite.branch, invite.cancel_id);
  }

  void receive_request(const Message& request, const Flow& from) {
    const bool is_ack = request.method() == "ACK";
    auto key = request_key(request, is_ack ? "INVITE" : request.method());
    if (!key) {
      log::warn("-", "sip.transaction.unmatchable", request.summary() + ": no usable Via/CSeq");
      return;
    }
    if (auto t = find_key(*key))
      return step(*t, {is_ack ? Event::ack : Event::request, &request, &from});
    if (is_ack) return user.on_request(0, request, from);  // the ACK for a 2xx (§17.2.3)
    start_server(request, from, std::move(*key));
  }

  void receive_response(const Message& response, const Flow& from) {
    auto key = response_key(response);
    auto t = key ? find_key(*key) : nullptr;
    if (!t || !t->is_client()) return user.on_stray_response(response, from);
    step(*t, {response_event(response.status()), &response, &from});
  }

  // --- the state machines ----------------------------------------------------------------------

  void step(Transaction& t, const Input& in) {
    switch (t.kind) {
      case Kind::client_invite:
        return client_invite(t, in);
      case Kind::client_non_invite:
        return client_non_invite(t, in);
      case Kind::server_invite:
        return server_invite(t, in);
      case Kind::server_non_invite:
        return server_non_invite(t, in);
    }
  }

  // §17.1.1 (figure 5) with RFC 6026 §8.4's Accepted state.
  void client_invite(Transaction& t, const Input& in) {
    switch (t.state) {
      case State::calling:
      case State::proceeding:
        switch (in.event) {
          case Event::provisional:
            if (t.state == State::calling) {
              enter(t, State::proceeding);  // stops A and B
              if (t.deferred_cancel) send_cancel(t);
            }
            return user.on_response(t.id, *in.message, *in.from);
          case Event::success:
            enter(t, State::accepted);
            user.on_response(t.id, *in.message, *in.from);
            return linger(t, timer_64t1());  // timer M
          case Event::final_failure:
            enter(t, State::completed);
            t.answer = sibling_request(t.request, "ACK", in.message->header("To").value_or(""));
            send(t, *t.answer);
            user.on_response(t.id, *in.message, *in.from);
            return linger(t, t.reliable() ? Duration::zero() : config.d);  // timer D
          case Event::retransmit_timer:                                    // timer A
            resend(t, t.request);
            return retransmit_after(t, 2 * t.interval);
          case Event::timeout_timer:
            return report_failure(t, TransactionFailure::timeout);
          case Event::transport_error:
            return report_failure(t, TransactionFailure::transport_error);
          default:
            return;
        }
      case State::completed:  // every retransmitted final is ACKed again, none reaches the TU
        if (in.event == Event::final_failure) send(t, *t.answer);
        // A 2xx after a non-2xx can only come from another fork: the TU may ACK and BYE it.
        if (in.event == Event::success) user.on_stray_response(*in.message, *in.from);
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      case State::accepted:  // retransmitted 2xx go up: the dialog layer ACKs each (§13.2.2.4)
        if (in.event == Event::success) user.on_response(t.id, *in.message, *in.from);
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      default:
        return;
    }
  }

  // §17.1.2 (figure 6).
  void client_non_invite(Transaction& t, const Input& in) {
    switch (t.state) {
      case State::trying:
      case State::proceeding:
        switch (in.event) {
          case Event::provisional:
            t.state = State::proceeding;  // E keeps running, at T2 from its next firing
            return user.on_response(t.id, *in.message, *in.from);
          case Event::success:
          case Event::final_failure:
            enter(t, State::completed);
            user.on_response(t.id, *in.message, *in.from);
            return linger(t, t.reliable() ? Duration::zero() : config.t4);  // timer K
          case Event::retransmit_timer:                                     // timer E
            resend(t, t.request);
            return retransmit_after(
                t, t.state == State::proceeding ? config.t2 : std::min(2 * t.interval, config.t2));
          case Event::timeout_timer:
            return report_failure(t, TransactionFailure::timeout);
          case Event::transport_error:
            return report_failure(t, TransactionFailure::transport_error);
          default:
            return;
        }
      case State::completed:  // absorbs retransmitted responses
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      default:
        return;
    }
  }

  // §17.2.1 (figure 7) with RFC 6026 §7.1's Accepted state.
  void server_invite(Transaction& t, const Input& in) {
    switch (t.state) {
      case State::proceeding:
        switch (in.event) {
          case Event::request:
            return send(t, *t.answer);  // the last provisional
          case Event::provisional:
            return answer(t, *in.message);
          case Event::success:  // enter before sending: a failing send may end the transaction
            enter(t, State::accepted);
            answer(t, *in.message);
            return linger(t, timer_64t1());  // timer L
          case Event::final_failure:
            enter(t, State::completed);
            answer(t, *in.message);
            if (!t.reliable()) retransmit_after(t, config.t1);            // timer G
            t.timeout = schedule(t, timer_64t1(), Event::timeout_timer);  // timer H
            return;
          case Event::transport_error:
            return report_failure(t, TransactionFailure::transport_error);
          default:
            return;
        }
      case State::completed:
        switch (in.event) {
          case Event::request:
            return send(t, *t.answer);
          case Event::ack:
            enter(t, State::confirmed);
            return linger(t, t.reliable() ? Duration::zero() : config.t4);  // timer I
          case Event::retransmit_timer:                                     // timer G
            resend(t, *t.answer);
            return retransmit_after(t, std::min(2 * t.interval, config.t2));
          case Event::timeout_timer:
            return report_failure(t, TransactionFailure::no_ack);
          case Event::transport_error:
            return remove(t);
          default:
            return;
        }
      case State::confirmed:  // absorbs retransmitted ACKs
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      case State::accepted:  // retransmitted INVITEs are absorbed; the TU resends its own 2xx
        if (in.event == Event::success) send(t, *in.message);
        if (in.event == Event::ack) user.on_request(0, *in.message, *in.from);
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      default:
        return;
    }
  }

  // §17.2.2 (figure 8).
  void server_non_invite(Transaction& t, const Input& in) {
    switch (t.state) {
      case State::trying:
      case State::proceeding:
        switch (in.event) {
          case Event::request:  // absorbed in Trying, the last provisional in Proceeding
            if (t.answer) send(t, *t.answer);
            return;
          case Event::provisional:
            t.state = State::proceeding;
            return answer(t, *in.message);
          case Event::success:
          case Event::final_failure:
            enter(t, State::completed);
            answer(t, *in.message);
            return linger(t, t.reliable() ? Duration::zero() : timer_64t1());  // timer J
          case Event::transport_error:
            return report_failure(t, TransactionFailure::transport_error);
          default:
            return;
        }
      case State::completed:
        if (in.event == Event::request) send(t, *t.answer);
        if (in.event == Event::linger_timer || in.event == Event::transport_error) remove(t);
        return;
      default:
        return;
    }
  }
};

TransactionLayer::TransactionLayer(Timers& timers, MessageSink& sink, TransactionUser& user,
                                   TransactionTimers config)
    : impl_(std::make_unique<Impl>(timers, sink, user, config)) {}

TransactionLayer::~TransactionLayer() = default;

TransactionId TransactionLayer::send_request(Message request, const Flow& to) {
  if (request.method() == "ACK") {
    send_stateless(std::move(request), to);
    return 0;
  }
  std::string branch = make_branch();
  request.add_front("Via", via_value(to, branch));
  return impl_->start_client(std::move(request), to, std::move(branch), 0);
}

void TransactionLayer::send_stateless(Message request, const Flow& to) {
  request.add_front("Via", via_value(to, make_branch()));
  impl_->sink.send(request, to);
}

TransactionId TransactionLayer::cancel(TransactionId invite_client) {
  auto t = impl_->find(invite_client);
  if (!t || t->kind != Kind::client_invite) return 0;
  if (t->state != State::calling && t->state != State::proceeding) return 0;
  if (t->cancel_id != 0) return t->cancel_id;  // already cancelled (or deferred)
  t->cancel_id = impl_->next_id++;
  t->deferred_cancel = sibling_request(t->request, "CANCEL", t->request.header("To").value_or(""));
  // §9.1: a CANCEL before any provisional could overtake the INVITE at the UAS.
  if (t->state == State::proceeding) impl_->send_cancel(*t);
  return t->cancel_id;
}

Result<void> TransactionLayer::respond(TransactionId server, Message response) {
  const std::string name = "server transaction " + std::to_string(server);
  auto t = impl_->find(server);
  if (!t) return fail(name + " does not exist (it terminated or was never created)");
  if (t->is_client())
    return fail("transaction " + std::to_string(server) + " is a client transaction");
  if (!response.is_response() || response.status() < 100 || response.status() > 699)
    return fail("respond() needs a response with a status from 100 to 699");
  // RFC 6026 §7.1: in Accepted, the TU's 2xx retransmissions still go out through it.
  const bool open =
      t->state == State::trying || t->state == State::proceeding ||
      (t->state == State::accepted && response_event(response.status()) == Event::success);
  if (!open) return fail(name + " has already sent its final response");
  impl_->step(*t, {response_event(response.status()), &response, &t->flow});
  return {};
}

std::uint64_t TransactionLayer::retransmissions() const { return impl_->retransmissions; }

TransactionId TransactionLayer::find_cancelled_invite(const Message& cancel) const {
  auto key = request_key(cancel, "INVITE");  // §9.2: §17.2.3 matching, but for INVITE
  auto t = key ? impl_->find_key(*key) : nullptr;
  return t && t->kind == Kind::server_invite ? t->id : 0;
}

void TransactionLayer::receive(const Message& message, const Flow& from) {
  if (message.is_response()) return impl_->receive_response(message, from);
  impl_->receive_request(message, from);
}

void TransactionLayer::on_transport_error(const Flow& flow) {
  std::vector<TransactionId> affected;
  for (const auto& [id, t] : impl_->by_id)
    if (same_path(t->flow, flow)) affected.push_back(id);
  std::sort(affected.begin(), affected.end());  // oldest first, whatever the hash order
  for (TransactionId id : affected)
    if (auto t = impl_->find(id)) impl_->step(*t, {Event::transport_error});
}

const Message* TransactionLayer::request_of(TransactionId id) const {
  auto it = impl_->by_id.find(id);
  return it == impl_->by_id.end() ? nullptr : &it->second->request;
}

std::size_t TransactionLayer::live_transactions() const {
  return impl_->by_id.size();
}

std::string make_branch() {
  return std::string(kMagicCookie) + random_token(16);
}

std::string random_token(std::size_t length) {
  // Tags and Call-IDs must be unguessable (§19.3), so bytes come from OpenSSL's CSPRNG, which
  // is thread-safe; the OS generator is the fallback should it ever fail.
  std::vector<unsigned char> bytes((length + 1) / 2);
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    thread_local std::random_device device;
    for (auto& byte : bytes) byte = static_cast<unsigned char>(device());
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char byte : bytes) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0x0f]);
  }
  out.resize(length);
  return out;
}

}  // namespace sipref::sip
