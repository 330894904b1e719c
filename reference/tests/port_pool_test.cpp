// Media port pool: even RTP port + RTCP above it, from the configured range, reused only after
// release, exhaustion reported as an error value.
#include "media/port_pool.h"

#include <gtest/gtest.h>

#include <set>

namespace sipref::media {
namespace {

TEST(PortPool, HandsOutEvenRtpPortsWithRtcpAbove) {
  PortPool pool(20000, 20005);
  EXPECT_EQ(pool.capacity(), 3u);
  auto a = pool.allocate(), b = pool.allocate(), c = pool.allocate();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->rtp, 20000);
  EXPECT_EQ(a->rtcp(), 20001);
  EXPECT_EQ(b->rtp, 20002);
  EXPECT_EQ(c->rtp, 20004);
  EXPECT_EQ(c->rtcp(), 20005);
}

TEST(PortPool, AnEvenMaximumLeavesItsOwnPortUnused) {
  PortPool pool(20000, 20004);  // 20004 would need 20005 for RTCP
  EXPECT_EQ(pool.capacity(), 2u);
}

TEST(PortPool, ExhaustionIsAnErrorUntilAPairIsReleased) {
  PortPool pool(30000, 30003);
  auto a = pool.allocate();
  auto b = pool.allocate();
  ASSERT_TRUE(a && b);
  auto none = pool.allocate();
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("no free RTP port pair"), std::string::npos);
  EXPECT_EQ(pool.available(), 0u);
  pool.release(*a);
  EXPECT_EQ(pool.available(), 1u);
  auto again = pool.allocate();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->rtp, a->rtp);
}

TEST(PortPool, AReleasedPairIsNotReusedAtOnce) {
  PortPool pool(20000, 20009);
  auto a = pool.allocate();
  ASSERT_TRUE(a);
  pool.release(*a);
  auto b = pool.allocate();
  ASSERT_TRUE(b);
  EXPECT_NE(b->rtp, a->rtp);  // rotation: late packets of the ended call find no one
}

TEST(PortPool, ReleasingWhatIsNotHeldChangesNothing) {
  PortPool pool(20000, 20003);
  auto a = pool.allocate();
  ASSERT_TRUE(a);
  pool.release(PortPair{20002});  // free already
  pool.release(PortPair{20001});  // odd: not a pair
  pool.release(PortPair{40000});  // outside the range
  EXPECT_EQ(pool.available(), 1u);
  pool.release(*a);
  pool.release(*a);
  EXPECT_EQ(pool.available(), 2u);
}

TEST(PortPool, EveryPairIsDistinctUntilExhausted) {
  PortPool pool(20000, 20199);
  std::set<std::uint16_t> seen;
  while (auto pair = pool.allocate()) EXPECT_TRUE(seen.insert(pair->rtp).second);
  EXPECT_EQ(seen.size(), 100u);
}

}  // namespace
}  // namespace sipref::media
