#include "util/metrics.h"

#include <algorithm>
#include <charconv>
#include <stdexcept>

namespace sipref {
namespace {

// The shortest text that reads back as the same double (0.005, not 0.0050000000000000001).
std::string number(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc{} ? std::string(text, end) : "NaN";
}

// {a="1",b="2"} with Prometheus escaping of \, " and newline; extra appended last (le).
std::string label_text(const Labels& labels, const std::pair<std::string, std::string>* extra = nullptr) {
  if (labels.empty() && !extra) return {};
  std::string out = "{";
  auto append = [&](const std::string& name, const std::string& value) {
    if (out.size() > 1) out += ",";
    out += name + "=\"";
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += "\"";
  };
  for (const auto& [name, value] : labels) append(name, value);
  if (extra) append(extra->first, extra->second);
  return out + "}";
}

}  // namespace

void Metrics::declare(std::string name, Kind kind, std::string help, std::vector<double> buckets) {
  if (find(name)) throw std::logic_error("metric " + name + " declared twice");
  families_.push_back({std::move(name), kind, std::move(help), std::move(buckets), {}});
}

Metrics::Family& Metrics::family(std::string_view name) {
  for (auto& f : families_)
    if (f.name == name) return f;
  throw std::logic_error("metric " + std::string(name) + " was never declared");
}

const Metrics::Family* Metrics::find(std::string_view name) const {
  for (const auto& f : families_)
    if (f.name == name) return &f;
  return nullptr;
}

void Metrics::add(std::string_view name, const Labels& labels, std::uint64_t delta) {
  family(name).series[labels].value += static_cast<double>(delta);
}

void Metrics::set(std::string_view name, const Labels& labels, double value) {
  family(name).series[labels].value = value;
}

void Metrics::observe(std::string_view name, double seconds, const Labels& labels) {
  Family& f = family(name);
  Series& s = f.series[labels];
  if (s.counts.empty()) s.counts.assign(f.buckets.size(), 0);
  for (std::size_t i = 0; i < f.buckets.size(); ++i)
    if (seconds <= f.buckets[i]) {
      ++s.counts[i];
      break;
    }
  ++s.count;
  s.sum += seconds;
}

double Metrics::value(std::string_view name, const Labels& labels) const {
  const Family* f = find(name);
  if (!f) return 0;
  auto it = f->series.find(labels);
  return it == f->series.end() ? 0 : it->second.value;
}

std::uint64_t Metrics::observations(std::string_view name, const Labels& labels) const {
  const Family* f = find(name);
  if (!f) return 0;
  auto it = f->series.find(labels);
  return it == f->series.end() ? 0 : it->second.count;
}

std::string Metrics::render() const {
  std::string out;
  for (const auto& f : families_) {
    const char* type = f.kind == Kind::counter ? "counter" : f.kind == Kind::gauge ? "gauge" : "histogram";
    out += "# HELP " + f.name + " " + f.help + "\n# TYPE " + f.name + " " + type + "\n";
    if (f.kind != Kind::histogram) {
      if (f.series.empty()) out += f.name + " 0\n";  // a scraper sees the metric from the start
      for (const auto& [labels, s] : f.series) out += f.name + label_text(labels) + " " + number(s.value) + "\n";
      continue;
    }
    for (const auto& [labels, s] : f.series) {
      std::uint64_t cumulative = 0;
      for (std::size_t i = 0; i < f.buckets.size(); ++i) {
        cumulative += s.counts.empty() ? 0 : s.counts[i];
        std::pair<std::string, std::string> le{"le", number(f.buckets[i])};
        out += f.name + "_bucket" + label_text(labels, &le) + " " + std::to_string(cumulative) + "\n";
      }
      std::pair<std::string, std::string> inf{"le", "+Inf"};
      out += f.name + "_bucket" + label_text(labels, &inf) + " " + std::to_string(s.count) + "\n";
      out += f.name + "_sum" + label_text(labels) + " " + number(s.sum) + "\n";
      out += f.name + "_count" + label_text(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

}  // namespace sipref
