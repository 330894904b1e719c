// Timers behind an interface so the SIP core stays I/O-free: production drives them from the
// event loop (AsioTimers), tests from a fake clock (ManualTimers) to check exact schedules.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace sipref::sip {

using Clock = std::chrono::steady_clock;
using Duration = std::chrono::milliseconds;

class Timers {
 public:
  using Handle = std::uint64_t;  // 0 is never a live timer
  virtual ~Timers() = default;
  // Calls `fire` once, `after` from now, on the thread that drives the timers.
  virtual Handle start(Duration after, std::function<void()> fire) = 0;
  // Forgets a pending timer; harmless for fired or unknown handles.
  virtual void stop(Handle handle) = 0;
  virtual Clock::time_point now() const = 0;
};

// Ordered pending timers; the building block of both implementations.
class TimerQueue {
 public:
  Timers::Handle add(Clock::time_point due, std::function<void()> fire);
  void remove(Timers::Handle handle);
  // Fires, in due order, every timer due at or before `now` (including ones added while firing).
  void fire_due(Clock::time_point now);
  std::optional<Clock::time_point> next_due() const;
  std::size_t size() const { return by_handle_.size(); }

 private:
  using Key = std::pair<Clock::time_point, Timers::Handle>;
  std::map<Key, std::function<void()>> pending_;
  std::unordered_map<Timers::Handle, Clock::time_point> by_handle_;
  Timers::Handle next_handle_ = 1;
};

// Fake-clock timers for tests: time moves only through advance().
class ManualTimers final : public Timers {
 public:
  Handle start(Duration after, std::function<void()> fire) override;
  void stop(Handle handle) override { queue_.remove(handle); }
  Clock::time_point now() const override { return now_; }
  // Moves the clock forward step by step through every due timer, so timers fire at their
  // exact due time (now() inside a callback equals its due time).
  void advance(Duration by);
  std::size_t pending() const { return queue_.size(); }

 private:
  TimerQueue queue_;
  Clock::time_point now_{};
};

}  // namespace sipref::sip
