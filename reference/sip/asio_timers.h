// Production Timers: a TimerQueue driven by one steady_timer on the SIP event loop, re-armed to
// the earliest deadline, so thousands of transaction timers cost one kernel timer.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "sip/timers.h"

namespace sipref::sip {

class AsioTimers final : public Timers {
 public:
  explicit AsioTimers(boost::asio::io_context& io);
  AsioTimers(const AsioTimers&) = delete;
  AsioTimers& operator=(const AsioTimers&) = delete;

  Handle start(Duration after, std::function<void()> fire) override;
  void stop(Handle handle) override { queue_.remove(handle); }  // an early wake-up is harmless
  Clock::time_point now() const override { return Clock::now(); }
  std::size_t pending() const { return queue_.size(); }

 private:
  void arm();
  void on_expiry();

  TimerQueue queue_;
  boost::asio::steady_timer timer_;
  std::optional<Clock::time_point> armed_for_;             // the deadline timer_ waits for, if any
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // lets queued wake-ups see we are gone
};

}  // namespace sipref::sip
