// A minimal UAS on sipref's SIP core alone (transport, transactions, dialogs) that answers every
// call at once, so SIPp can load the core (e.g. under packet loss) without the call engine.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "sip/asio_timers.h"
#include "sip/dialog_table.h"
#include "sip/invite_2xx_retransmitter.h"
#include "sip/response.h"
#include "sip/transaction.h"
#include "sip/transport.h"

namespace sip = sipref::sip;

namespace {

constexpr const char* kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS";

struct Call {
  sip::Dialog dialog;
  std::unique_ptr<sip::Invite2xxRetransmitter> ok_resender;  // until the ACK (§13.3.1.4)
};

std::string sdp(const std::string& ip) {
  return "v=0\r\no=test_ua 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
         "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

class TestUa final : public sip::TransactionUser {
 public:
  TestUa(sip::Transport& transport, sip::Timers& timers)
      : transport_(transport), timers_(timers), transactions_(timers, transport, *this) {
    transport_.on_message([this](sip::Message m, sip::Flow f) { transactions_.receive(m, f); });
    transport_.on_send_error([this](const sip::Flow& f) { transactions_.on_transport_error(f); });
  }

  void on_request(sip::TransactionId server, const sip::Message& request,
                  const sip::Flow& from) override {
    const std::string& method = request.method();
    if (method == "ACK") return on_ack(request);
    if (method == "CANCEL") return on_cancel(server, request);
    if (dialogs_.needs_481(request)) return respond(server, request, 481);
    if (Call* call = dialogs_.find_for_request(request))
      return on_in_dialog(server, request, *call);
    if (method == "INVITE") return on_invite(server, request, from);
    respond(server, request, method == "OPTIONS" ? 200 : 405);
  }
  // A UAS only: it sends no requests, so responses and client failures never concern it.
  void on_response(sip::TransactionId, const sip::Message&, const sip::Flow&) override {}
  void on_stray_response(const sip::Message&, const sip::Flow&) override {}
  void on_failure(sip::TransactionId, sip::TransactionFailure) override {}

  std::string summary() const {
    return "test_ua: calls=" + std::to_string(calls_) +
           " active_dialogs=" + std::to_string(dialogs_.size()) +
           " live_transactions=" + std::to_string(transactions_.live_transactions()) +
           " ok_retransmissions=" + std::to_string(ok_retransmissions_) +
           " gave_up=" + std::to_string(gave_up_);
  }

 private:
  void respond(sip::TransactionId server, const sip::Message& request, int status) {
    auto response = sip::make_response(request, status, {}, sip::random_token(10));
    if (status == 405 || request.method() == "OPTIONS") response.add("Allow", kAllow);
    (void)transactions_.respond(server, std::move(response));
  }

  // 200 at once (the transaction layer has sent the 100): a 180 would only add a message that a
  // lossy network can reorder behind the 200.
  void on_invite(sip::TransactionId server, const sip::Message& invite, const sip::Flow& from) {
    const std::string tag = sip::random_token(10);
    std::string contact = "sip:test_ua@" + from.local.to_string();
    if (from.transport == sip::TransportKind::tcp) contact += ";transport=tcp";
    auto dialog = sip::Dialog::create_uas(invite, tag, contact);
    if (!dialog) return respond(server, invite, 400);
    dialog->confirm();
    const sip::DialogId id = dialog->id();
    if (!dialogs_.insert(id, Call{std::move(*dialog), nullptr}))
      return respond(server, invite, 500);

    auto ok = sip::make_response(invite, 200, {}, tag);
    ok.add("Contact", "<" + contact + ">");
    ok.add("Content-Type", "application/sdp");
    ok.set_body(sdp(from.local.ip));
    (void)transactions_.respond(server, ok);
    ++calls_;
    // The ACK for a 2xx is end to end: we, not the transaction, resend until it comes, and
    // forget the dialog if it never does (a real UA would send BYE).
    dialogs_.find(id)->ok_resender = std::make_unique<sip::Invite2xxRetransmitter>(
        timers_, std::move(ok),
        [this, from](const sip::Message& m) {
          ++ok_retransmissions_;
          transport_.send(m, from);
        },
        [this, id] {
          ++gave_up_;
          dialogs_.erase(id);  // destroys the retransmitter, which it allows from this callback
        });
    dialogs_.find(id)->ok_resender->start();
  }

  // The ACK for a 2xx matches no transaction (server id 0): match it by dialog. There are no
  // re-INVITEs here, so any ACK in the dialog acknowledges our one 2xx.
  void on_ack(const sip::Message& ack) {
    if (Call* call = dialogs_.find_for_request(ack)) call->ok_resender.reset();
  }

  void on_cancel(sip::TransactionId server, const sip::Message& cancel) {
    const sip::TransactionId invite = transactions_.find_cancelled_invite(cancel);
    respond(server, cancel, invite ? 200 : 481);
    const sip::Message* request = invite ? transactions_.request_of(invite) : nullptr;
    // Fails, harmlessly, once the INVITE has its final response (§9.2: the CANCEL has no effect).
    if (request) (void)transactions_.respond(invite, sip::make_response(*request, 487));
  }

  void on_in_dialog(sip::TransactionId server, const sip::Message& request, Call& call) {
    if (auto accepted = call.dialog.on_request(request); !accepted)
      return respond(server, request, 500);  // §12.2.2: CSeq out of order
    const std::string& method = request.method();
    if (method == "BYE") {
      respond(server, request, 200);
      // The BYE ends the dialog even if our 2xx was never ACKed: its retransmissions stop too.
      dialogs_.erase(call.dialog.id());
      return;
    }
    respond(server, request, method == "OPTIONS" ? 200 : 405);
  }

  sip::Transport& transport_;
  sip::Timers& timers_;
  sip::TransactionLayer transactions_;
  sip::DialogTable<Call> dialogs_;
  std::uint64_t calls_ = 0;
  std::uint64_t ok_retransmissions_ = 0;
  std::uint64_t gave_up_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: test_ua ADDRESS PORT\n");
    return 2;
  }
  boost::asio::io_context io;
  sip::Transport transport(io);
  sip::AsioTimers timers(io);
  const sip::Address address{argv[1], static_cast<std::uint16_t>(std::stoi(argv[2]))};
  for (auto kind : {sip::TransportKind::udp, sip::TransportKind::tcp}) {
    if (auto bound = transport.listen(kind, address); !bound) {
      std::fprintf(stderr, "test_ua: %s\n", bound.error().message.c_str());
      return 2;
    }
  }
  TestUa ua(transport, timers);

  // SIGUSR1 prints the summary and carries on (a test polls it while state drains);
  // SIGTERM/SIGINT print it and exit.
  boost::asio::signal_set usr1(io, SIGUSR1);
  std::function<void()> await_usr1 = [&] {
    usr1.async_wait([&](const boost::system::error_code& error, int) {
      if (error) return;
      std::fprintf(stderr, "%s\n", ua.summary().c_str());
      await_usr1();
    });
  };
  await_usr1();
  boost::asio::signal_set stop(io, SIGTERM, SIGINT);
  stop.async_wait([&](const boost::system::error_code&, int) {
    std::fprintf(stderr, "%s\n", ua.summary().c_str());
    io.stop();
  });

  std::fprintf(stderr, "test_ua ready on %s (udp, tcp)\n", address.to_string().c_str());
  io.run();
  return 0;
}
