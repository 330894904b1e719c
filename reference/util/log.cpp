#include "util/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace sipref::log {
namespace {
std::atomic<Level> threshold{Level::info};
std::mutex output_mutex;

const char* name_of(Level level) {
  switch (level) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warning: return "WARN";
    case Level::error: return "ERROR";
  }
  return "?";
}
}  // namespace

void set_threshold(Level level) { threshold = level; }
bool enabled(Level level) { return level >= threshold.load(); }

void write(Level level, std::string_view call_sid, std::string_view event, std::string_view details) {
  if (!enabled(level)) return;
  using namespace std::chrono;
  auto now = system_clock::now();
  auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::time_t t = system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%H:%M:%S", &tm);
  std::string line;
  line.reserve(64 + details.size());
  line.append(stamp).append(".").append(std::to_string(1000 + ms).substr(1)).append(" ");
  line.append(name_of(level)).append(" ");
  line.append(call_sid.empty() ? std::string_view("-") : call_sid).append(" ");
  line.append(event);
  if (!details.empty()) line.append(" ").append(details);
  line.push_back('\n');
  std::lock_guard lock(output_mutex);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace sipref::log
