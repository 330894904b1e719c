#include "api/rest_server.h"

#include <httplib.h>

#include <chrono>
#include <stdexcept>

#include "api/router.h"
#include "util/log.h"

namespace sipref::api {
namespace {

// The query as the client wrote it: httplib decodes it into params, and a decoded query loses
// the difference between a repeated key and an encoded '&'.
std::string raw_query(const std::string& target) {
  const auto mark = target.find('?');
  return mark == std::string::npos ? std::string() : target.substr(mark + 1);
}

void serve_rest(const httplib::Request& req, httplib::Response& res, Backend& backend,
                const config::Config& config) {
  const HttpRequest request{.method = req.method,
                            .path = req.path,
                            .query = raw_query(req.target),
                            .authorization = req.get_header_value("Authorization"),
                            .content_type = req.get_header_value("Content-Type"),
                            .body = req.body};
  const HttpResponse response = handle_rest(request, backend, config);
  res.status = response.status;
  for (const auto& [name, value] : response.headers) res.set_header(name, value);
  if (!response.content_type.empty()) res.set_content(response.body, response.content_type);
  // Never the Authorization header: it carries the account's token.
  log::info("", "rest", req.method + " " + req.path + " -> " + std::to_string(response.status));
}

void serve_metrics(httplib::Response& res, const RestServer::MetricsSource& metrics) {
  auto text = metrics ? metrics() : std::nullopt;
  if (!text) {
    res.status = 503;
    res.set_content("the call engine did not answer in time\n", "text/plain");
  } else {
    res.set_content(*text, "text/plain; version=0.0.4");
  }
  log::debug("", "rest", "GET /metrics -> " + std::to_string(res.status));  // scraped often
}

}  // namespace

RestServer::RestServer(const config::RestListen& at, Backend& backend, const config::Config& config,
                       MetricsSource metrics)
    : server_(std::make_unique<httplib::Server>()) {
  auto rest = [&backend, &config](const httplib::Request& req, httplib::Response& res) {
    serve_rest(req, res, backend, config);
  };
  // One catch-all per method, so that the router (not httplib) answers 404 and 405 in JSON.
  const std::string everything = "/2010-04-01/.*";
  server_->Get(everything, rest);
  server_->Post(everything, rest);
  server_->Delete(everything, rest);
  server_->Put(everything, rest);
  server_->Patch(everything, rest);
  server_->Get("/metrics",
               [metrics = std::move(metrics)](const httplib::Request&, httplib::Response& res) {
                 serve_metrics(res, metrics);
               });
  if (at.port == 0) {
    const int bound = server_->bind_to_any_port(at.address);
    if (bound <= 0) throw std::runtime_error("cannot listen on " + at.address + " (any port)");
    port_ = static_cast<std::uint16_t>(bound);
  } else {
    if (!server_->bind_to_port(at.address, at.port))
      throw std::runtime_error("cannot listen on " + at.address + ":" + std::to_string(at.port));
    port_ = at.port;
  }
  listener_ = std::thread([this] {
    server_->listen_after_bind();
    listener_returned_ = true;
  });
}

RestServer::~RestServer() {
  // stop() does nothing before the listener thread has marked the server running, and asserts
  // when called twice; so wait for the listener to be running (or to have failed), then stop once.
  while (!server_->is_running() && !listener_returned_)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  server_->stop();
  listener_.join();
}

}  // namespace sipref::api
