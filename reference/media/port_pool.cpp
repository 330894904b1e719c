#include "media/port_pool.h"

#include <string>

namespace sipref::media {

PortPool::PortPool(std::uint16_t min, std::uint16_t max)
    : min_(min), used_(max > min ? (static_cast<std::size_t>(max) - min + 1) / 2 : 0, false) {}

Result<PortPair> PortPool::allocate() {
  for (std::size_t tried = 0; tried < used_.size(); ++tried) {
    const std::size_t slot = (next_ + tried) % used_.size();
    if (used_[slot]) continue;
    used_[slot] = true;
    ++in_use_;
    next_ = (slot + 1) % used_.size();
    return PortPair{static_cast<std::uint16_t>(min_ + 2 * slot)};
  }
  return fail("media: no free RTP port pair in " + std::to_string(min_) + ".." +
              std::to_string(min_ + 2 * used_.size() - 1) + " (" + std::to_string(used_.size()) +
              " pairs, all in use)");
}

void PortPool::release(PortPair pair) {
  if (pair.rtp < min_ || (pair.rtp - min_) % 2 != 0) return;
  const std::size_t slot = (pair.rtp - min_) / 2;
  if (slot >= used_.size() || !used_[slot]) return;
  used_[slot] = false;
  --in_use_;
}

}  // namespace sipref::media
