// Selectors name timeline events in case files: "<party> <- <what>" (received by the party),
// "<party> -> <what>" (sent by it), "webhook [METHOD] <path>" and "api <step>" (the answer to a
// REST step). Parsed here for the loader and lint; matched against a timeline in check/selector.h.
#pragma once

#include <string>
#include <string_view>

#include "util/error.h"

namespace sipconform {

struct Selector {
  enum class Kind { sip, webhook, api };
  Kind kind = Kind::sip;
  std::string party;     // a party name or "target"
  bool sent = false;     // "->": sent by party; "<-": received by it
  std::string method;    // a request's method, or with a status the CSeq method ("200 INVITE")
  int status = 0;        // a response's code; 0 for requests
  int status_class = 0;  // "2xx" -> 2: any response of that class
  std::string webhook_method;  // optional for webhook selectors
  std::string path;
  std::string api_step;  // api selectors: the step's name
};

// An api step's name: a letter, then letters, digits, '_' or '-' (no '.': {{api:NAME.path}}).
bool is_step_name(std::string_view name);

// Errors say what the selector should look like; they are case bugs, not target failures.
Result<Selector> parse_selector(std::string_view text);

}  // namespace sipconform
