// One line per event on stderr: "<time> <LEVEL> <call sid or -> <event> <details>".
// Thread-safe; the level threshold is set once at start-up.
#pragma once

#include <string_view>

namespace sipref::log {

enum class Level { debug, info, warning, error };

void set_threshold(Level level);
bool enabled(Level level);
void write(Level level, std::string_view call_sid, std::string_view event, std::string_view details);

inline void debug(std::string_view sid, std::string_view ev, std::string_view d = {}) { write(Level::debug, sid, ev, d); }
inline void info(std::string_view sid, std::string_view ev, std::string_view d = {}) { write(Level::info, sid, ev, d); }
inline void warn(std::string_view sid, std::string_view ev, std::string_view d = {}) { write(Level::warning, sid, ev, d); }
inline void error(std::string_view sid, std::string_view ev, std::string_view d = {}) { write(Level::error, sid, ev, d); }

}  // namespace sipref::log
