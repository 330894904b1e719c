// Metrics: counters, gauges and histograms render as Prometheus text with escaped labels and
// cumulative buckets.
#include "util/metrics.h"

#include <gtest/gtest.h>

namespace sipref {
namespace {

TEST(Metrics, CountersAndGaugesRenderWithTheirLabels) {
  Metrics m;
  m.declare("sip_messages_received_total", Metrics::Kind::counter, "SIP messages received.");
  m.declare("calls_active", Metrics::Kind::gauge, "Parent calls in progress.");
  m.add("sip_messages_received_total", {{"method", "INVITE"}});
  m.add("sip_messages_received_total", {{"method", "INVITE"}}, 2);
  m.add("sip_messages_received_total", {{"status", "a\"b"}});
  m.set("calls_active", {}, 4);
  EXPECT_EQ(m.value("sip_messages_received_total", {{"method", "INVITE"}}), 3);
  EXPECT_EQ(m.render(),
            "# HELP sip_messages_received_total SIP messages received.\n"
            "# TYPE sip_messages_received_total counter\n"
            "sip_messages_received_total{method=\"INVITE\"} 3\n"
            "sip_messages_received_total{status=\"a\\\"b\"} 1\n"
            "# HELP calls_active Parent calls in progress.\n"
            "# TYPE calls_active gauge\n"
            "calls_active 4\n");
}

TEST(Metrics, UntouchedCounterRendersZero) {
  Metrics m;
  m.declare("x_total", Metrics::Kind::counter, "X.");
  EXPECT_NE(m.render().find("\nx_total 0\n"), std::string::npos);
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.declare("pdd_seconds", Metrics::Kind::histogram, "Post-dial delay.", {0.001, 0.005, 0.1});
  m.observe("pdd_seconds", 0.0005);
  m.observe("pdd_seconds", 0.004);
  m.observe("pdd_seconds", 2.0);
  EXPECT_EQ(m.observations("pdd_seconds"), 3u);
  const std::string text = m.render();
  EXPECT_NE(text.find("pdd_seconds_bucket{le=\"0.001\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pdd_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pdd_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pdd_seconds_count 3\n"), std::string::npos) << text;
}

TEST(Metrics, UndeclaredNamesAreProgrammingErrors) {
  Metrics m;
  EXPECT_THROW(m.add("nope"), std::logic_error);
  m.declare("a", Metrics::Kind::gauge, "A.");
  EXPECT_THROW(m.declare("a", Metrics::Kind::gauge, "A."), std::logic_error);
}

}  // namespace
}  // namespace sipref
