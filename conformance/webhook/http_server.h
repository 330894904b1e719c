// The mock server's HTTP layer: a cpp-httplib server that can also close a connection without
// answering (the `drop` fault), which httplib's public API cannot do.
#pragma once

#include <httplib.h>

namespace sipconform {

// httplib::Server whose accepted sockets are served through this class's own Stream (the
// documented virtual process_and_close_socket is overridden). Handlers run on the thread that
// owns the connection, so a handler can mark that connection dropped: its response is then
// discarded unwritten and the socket is closed, and the client sees the connection end with no
// status line. Writes use MSG_NOSIGNAL, so a client that gave up never raises SIGPIPE.
class HttpServer : public httplib::Server {
 public:
  // Call from inside a handler. Outside one it does nothing.
  static void drop_connection();

 private:
  bool process_and_close_socket(socket_t sock) override;
  // Waits for the next request on a kept-alive connection; false on close, timeout or stop.
  bool wait_for_request(socket_t sock) const;
};

}  // namespace sipconform
