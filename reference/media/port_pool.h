// RTP/RTCP port pairs from the configured media range: an even port for RTP and the odd one above
// it for RTCP (RFC 3550 §11), handed out in rotation and returned when the leg that held it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/error.h"

namespace sipref::media {

struct PortPair {
  std::uint16_t rtp = 0;
  std::uint16_t rtcp() const { return static_cast<std::uint16_t>(rtp + 1); }
  bool operator==(const PortPair&) const = default;
};

class PortPool {
 public:
  // Pairs min, min+2 … up to the last whose RTCP port is <= max. Preconditions (the config
  // loader checks them): min is even and min < max.
  PortPool(std::uint16_t min, std::uint16_t max);

  // The next free pair after the one handed out last: a pair just released is not reused at
  // once, so late packets of an ended call do not reach the next one. Exhaustion is an error.
  Result<PortPair> allocate();
  // Returns a pair; releasing one that is not held does nothing.
  void release(PortPair pair);

  std::size_t capacity() const { return used_.size(); }
  std::size_t available() const { return used_.size() - in_use_; }

 private:
  std::uint16_t min_;
  std::vector<bool> used_;  // one slot per pair
  std::size_t next_ = 0;    // where the next search starts
  std::size_t in_use_ = 0;
};

}  // namespace sipref::media
