// The customer's web application for benchmarks and soaks: serves one static TwiML document as fast
// as cpp-httplib allows, and keeps a ledger of status callbacks to judge their sequence numbers.
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "bench_webhook: cannot read %s\n", path);
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Status callbacks per CallSid: the SequenceNumbers seen and whether a terminal event came. A
// call's callbacks are judged at the end: numbers 0..n-1 each once, and a terminal status.
class CallbackLedger {
 public:
  void record(const std::string& call_sid, long sequence, const std::string& status) {
    std::lock_guard lock(mutex_);
    Call& call = calls_[call_sid];
    if (!call.sequences.insert(sequence).second) ++call.duplicates;
    if (status == "completed" || status == "busy" || status == "no-answer" || status == "failed" ||
        status == "canceled")
      call.terminal = true;
    ++callbacks_;
  }

  // One JSON object: totals, and up to five examples of each kind of fault.
  std::string summary() const {
    std::lock_guard lock(mutex_);
    long gaps = 0, duplicates = 0, without_terminal = 0;
    std::string examples;
    for (const auto& [sid, call] : calls_) {
      bool contiguous = !call.sequences.empty() && *call.sequences.begin() == 0 &&
                        *call.sequences.rbegin() == static_cast<long>(call.sequences.size()) - 1;
      bool faulty = !contiguous || call.duplicates > 0 || !call.terminal;
      gaps += !contiguous;
      duplicates += call.duplicates > 0;
      without_terminal += !call.terminal;
      if (faulty && std::count(examples.begin(), examples.end(), '{') < 5) {
        std::string numbers;
        for (long n : call.sequences) numbers += (numbers.empty() ? "" : ",") + std::to_string(n);
        examples += std::string(examples.empty() ? "" : ",") + "{\"call\":\"" + sid + "\",\"sequences\":[" +
                    numbers + "],\"terminal\":" + (call.terminal ? "true" : "false") + "}";
      }
    }
    return "{\"calls\":" + std::to_string(calls_.size()) + ",\"callbacks\":" + std::to_string(callbacks_) +
           ",\"not_contiguous\":" + std::to_string(gaps) + ",\"duplicated\":" + std::to_string(duplicates) +
           ",\"without_terminal\":" + std::to_string(without_terminal) + ",\"examples\":[" + examples + "]}";
  }

 private:
  struct Call {
    std::set<long> sequences;
    long duplicates = 0;
    bool terminal = false;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Call> calls_;
  long callbacks_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr,
                 "usage: bench_webhook ADDRESS PORT TWIML_FILE\n"
                 "  any path: the TwiML; /status: a status callback for the ledger; GET /summary: it\n");
    return 2;
  }
  const std::string twiml = read_file(argv[3]);
  std::atomic<long> served{0};
  CallbackLedger ledger;

  httplib::Server server;
  server.set_tcp_nodelay(true);  // headers and body are separate writes: no Nagle + delayed-ACK wait
  // httplib closes a keep-alive connection after 5 requests by default; a web application behind
  // a load balancer keeps it far longer, so the client's reconnects do not count against sipref.
  server.set_keep_alive_max_count(1000000);
  server.set_keep_alive_timeout(60);
  server.Get("/summary", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(ledger.summary(), "application/json");
  });
  server.Post("/status", [&](const httplib::Request& req, httplib::Response& res) {
    ledger.record(req.get_param_value("CallSid"), std::atol(req.get_param_value("SequenceNumber").c_str()),
                  req.get_param_value("CallStatus"));
    res.status = 204;
  });
  auto voice = [&](const httplib::Request&, httplib::Response& res) {
    ++served;
    res.set_content(twiml, "text/xml");
  };
  server.Get(".*", voice);
  server.Post(".*", voice);
  if (!server.bind_to_port(argv[1], std::atoi(argv[2]))) {
    std::fprintf(stderr, "bench_webhook: cannot listen on %s:%s\n", argv[1], argv[2]);
    return 2;
  }
  std::fprintf(stderr, "bench_webhook listening on %s:%s\n", argv[1], argv[2]);
  server.listen_after_bind();
  return 0;
}
