#include "sip/timers.h"

namespace sipref::sip {

Timers::Handle TimerQueue::add(Clock::time_point due, std::function<void()> fire) {
  Timers::Handle handle = next_handle_++;
  pending_.emplace(Key{due, handle}, std::move(fire));
  by_handle_.emplace(handle, due);
  return handle;
}

void TimerQueue::remove(Timers::Handle handle) {
  auto it = by_handle_.find(handle);
  if (it == by_handle_.end()) return;
  pending_.erase(Key{it->second, handle});
  by_handle_.erase(it);
}

void TimerQueue::fire_due(Clock::time_point now) {
  while (!pending_.empty() && pending_.begin()->first.first <= now) {
    auto node = pending_.extract(pending_.begin());
    by_handle_.erase(node.key().second);
    node.mapped()();
  }
}

std::optional<Clock::time_point> TimerQueue::next_due() const {
  if (pending_.empty()) return std::nullopt;
  return pending_.begin()->first.first;
}

Timers::Handle ManualTimers::start(Duration after, std::function<void()> fire) {
  return queue_.add(now_ + after, std::move(fire));
}

void ManualTimers::advance(Duration by) {
  const Clock::time_point target = now_ + by;
  while (auto due = queue_.next_due()) {
    if (*due > target) break;
    now_ = *due;
    queue_.fire_due(now_);
  }
  now_ = target;
}

}  // namespace sipref::sip
