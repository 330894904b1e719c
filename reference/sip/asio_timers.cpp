#include "sip/asio_timers.h"

namespace sipref::sip {

AsioTimers::AsioTimers(boost::asio::io_context& io) : timer_(io) {}

Timers::Handle AsioTimers::start(Duration after, std::function<void()> fire) {
  Clock::time_point due = Clock::now() + after;
  Handle handle = queue_.add(due, std::move(fire));
  if (!armed_for_ || due < *armed_for_) arm();  // only an earlier deadline moves the wake-up
  return handle;
}

void AsioTimers::arm() {
  armed_for_ = queue_.next_due();
  if (!armed_for_) return;
  timer_.expires_at(*armed_for_);  // cancels the previous wait, whose handler then sees an error
  timer_.async_wait(
      [alive = std::weak_ptr<int>(alive_), this](const boost::system::error_code& ec) {
        if (!ec && !alive.expired()) on_expiry();
      });
}

void AsioTimers::on_expiry() {
  armed_for_.reset();
  queue_.fire_due(Clock::now());  // callbacks may start timers; arm() below covers them all
  arm();
}

}  // namespace sipref::sip
