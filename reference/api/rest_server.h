// The REST listener (cpp-httplib on its own threads): everything under /2010-04-01/ through
// handle_rest, and GET /metrics as Prometheus text for operations.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "api/backend.h"
#include "config/config.h"

namespace httplib {
class Server;
}

namespace sipref::api {

class RestServer {
 public:
  // The metrics text, or nullopt when the engine did not answer in time (served as 503).
  using MetricsSource = std::function<std::optional<std::string>()>;

  // Listens on `at` (port 0: any free port, see port()) and serves from its own thread until
  // destroyed. Throws std::runtime_error when it cannot bind: a start-up error. `backend` is
  // called from httplib's worker threads, so it must be thread-safe (EngineBackend is);
  // `backend` and `config` must outlive the server.
  RestServer(const config::RestListen& at, Backend& backend, const config::Config& config,
             MetricsSource metrics);
  ~RestServer();  // stops listening, waits for requests in progress, joins
  RestServer(const RestServer&) = delete;
  RestServer& operator=(const RestServer&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::uint16_t port_ = 0;
  std::atomic<bool> listener_returned_{false};
  std::thread listener_;
};

}  // namespace sipref::api
