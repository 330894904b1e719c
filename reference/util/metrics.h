// Operational metrics as plain values (counters, gauges, histograms with labels) and their
// Prometheus text rendering. Not thread-safe on purpose: the owner updates and renders on its loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sipref {

// label name -> value, e.g. {{"method", "INVITE"}}; rendered in name order.
using Labels = std::map<std::string, std::string>;

class Metrics {
 public:
  enum class Kind { counter, gauge, histogram };

  // Declares a metric once, with its help text; histograms take their bucket upper bounds
  // (seconds, ascending). Using an undeclared name is a programming error and throws.
  void declare(std::string name, Kind kind, std::string help, std::vector<double> buckets = {});

  void add(std::string_view name, const Labels& labels = {}, std::uint64_t delta = 1);
  void set(std::string_view name, const Labels& labels, double value);
  void observe(std::string_view name, double seconds, const Labels& labels = {});

  // Prometheus text exposition format 0.0.4, metrics in declaration order.
  std::string render() const;

  // Test and report access: a counter's or gauge's value, 0 when never touched.
  double value(std::string_view name, const Labels& labels = {}) const;
  std::uint64_t observations(std::string_view name, const Labels& labels = {}) const;

 private:
  struct Series {
    double value = 0;                  // counter or gauge
    std::vector<std::uint64_t> counts;  // histogram: one per bucket (cumulative when rendered)
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string name;
    Kind kind;
    std::string help;
    std::vector<double> buckets;
    std::map<Labels, Series> series;
  };
  Family& family(std::string_view name);
  const Family* find(std::string_view name) const;
  std::vector<Family> families_;
};

}  // namespace sipref
