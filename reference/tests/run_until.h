// Test support: drive an Asio loop until a condition holds (or a deadline passes), so tests
// await events instead of sleeping.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace sipref::test {

// Runs `io` until `done()` holds or `limit` passes; returns whether it holds.
template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::milliseconds limit = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return done();
}

}  // namespace sipref::test
