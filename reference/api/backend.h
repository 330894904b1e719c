// What the REST API needs from the call engine [api.*], as an interface so that routing, auth
// and JSON shapes are unit-tested with a fake, and the real one (engine_backend.h) runs each
// call on the engine's loop. Every answer may be a Refusal (404 unknown SID, 503 engine busy).
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <vector>

#include "call/rest_model.h"

namespace sipref::api {

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::expected<call::CallRecord, call::Refusal> create_call(const call::OutboundCall& request) = 0;
  // Calls of `account` only; a Refusal 404/20404 when it has none with that SID.
  virtual std::expected<call::CallRecord, call::Refusal> find_call(const std::string& account, const std::string& sid) = 0;
  // Newest first (date_created descending), every call of `account` that matches.
  virtual std::expected<std::vector<call::CallRecord>, call::Refusal> list_calls(const std::string& account,
                                                                                 const call::CallFilter& filter) = 0;
  virtual std::expected<call::CallRecord, call::Refusal> update_call(const std::string& account, const std::string& sid,
                                                                     const call::CallUpdate& update) = 0;

  virtual std::expected<call::AppRecord, call::Refusal> create_application(const std::string& account,
                                                                           const call::AppChange& fields) = 0;
  virtual std::expected<call::AppRecord, call::Refusal> find_application(const std::string& account,
                                                                         const std::string& sid) = 0;
  // Oldest first (date_created ascending).
  virtual std::expected<std::vector<call::AppRecord>, call::Refusal> list_applications(const std::string& account) = 0;
  virtual std::expected<call::AppRecord, call::Refusal> update_application(const std::string& account,
                                                                           const std::string& sid,
                                                                           const call::AppChange& fields) = 0;
  virtual std::expected<void, call::Refusal> delete_application(const std::string& account, const std::string& sid) = 0;
};

}  // namespace sipref::api
