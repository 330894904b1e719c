// Alerts as values: the provider's numeric error/warning codes that the reference raises, each
// logged and posted to the account's debugger webhook by the call engine.
#pragma once

#include <string>

namespace sipref {

enum class AlertLevel { error, warning };

struct Alert {
  int code = 0;
  std::string message;  // what was wrong, with the offending value
  AlertLevel level() const { return level_of(code); }

  // Levels as the provider's error pages give them (catalogue, "Alerts used by this catalogue").
  static AlertLevel level_of(int code) {
    switch (code) {
      case 12200: case 13210: case 13214: case 13221: case 13241: case 13243: case 13250:
      case 13252: case 13253: case 21227: case 32110: case 32111: case 32112: case 32113:
        return AlertLevel::warning;
      default:
        return AlertLevel::error;
    }
  }
};

}  // namespace sipref
