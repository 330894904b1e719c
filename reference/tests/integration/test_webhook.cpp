// A stand-in for the customer's web application in sipref's integration tests: answers every
// voice request with one fixed TwiML document and refuses requests lacking standard parameters.
#include <httplib.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

namespace {

constexpr std::array<const char*, 7> kStandardParams{"CallSid",   "AccountSid", "From",     "To",
                                                     "CallStatus", "ApiVersion", "Direction"};

std::string read_file(const char* path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "test_webhook: cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: test_webhook ADDRESS PORT TWIML_FILE\n";
    return 2;
  }
  const std::string address = argv[1];
  const int port = std::atoi(argv[2]);
  const std::string twiml = read_file(argv[3]);
  std::atomic<long> served{0};

  httplib::Server server;
  server.set_tcp_nodelay(true);  // headers and body are separate writes: no Nagle + delayed-ACK wait
  auto handle = [&](const httplib::Request& req, httplib::Response& res) {
    for (const char* name : kStandardParams) {
      if (!req.has_param(name)) {
        std::fprintf(stderr, "refused %s %s: missing %s\n", req.method.c_str(), req.path.c_str(), name);
        res.status = 400;
        return;
      }
    }
    if (req.get_header_value("X-Twilio-Signature").empty()) {
      std::fprintf(stderr, "refused %s %s: no X-Twilio-Signature\n", req.method.c_str(), req.path.c_str());
      res.status = 400;
      return;
    }
    std::fprintf(stderr, "served %ld %s %s CallSid=%s\n", ++served, req.method.c_str(), req.path.c_str(),
                 req.get_param_value("CallSid").c_str());
    res.set_content(twiml, "text/xml");
  };
  server.Get(".*", handle);
  server.Post(".*", handle);
  if (!server.bind_to_port(address, port)) {
    std::cerr << "test_webhook: cannot listen on " << address << ":" << port << "\n";
    return 2;
  }
  std::fprintf(stderr, "test_webhook listening on %s:%d\n", address.c_str(), port);
  server.listen_after_bind();
  return 0;
}
