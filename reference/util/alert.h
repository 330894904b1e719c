// Alerts as values: the provider's numeric error/warning codes that the reference raises, each
// logged and posted to the account's debugger webhook by the call engine.
#pragma once

#include <optional>
#include <string>

#include "util/http_method.h"

namespace sipref {

enum class AlertLevel { error, warning };

// The webhook request an alert is about (a failed fetch, the document that held a bad element):
// the debugger payload reports it under `webhook` [webhook.alerts].
struct AlertRequest {
  std::string url;  // as requested, after redirects, without fragment
  HttpMethod method = HttpMethod::post;
  int status = 0;  // HTTP status answered; 0 when none came
};

struct Alert {
  int code = 0;
  std::string message;  // what was wrong, with the offending value
  std::optional<AlertRequest> request{};  // an initializer, so {code, message} stays warning-free
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
