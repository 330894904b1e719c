#include "api/engine_backend.h"

#include <string>

namespace sipref::api {

template <class Work>
std::invoke_result_t<Work&, Backend&> EngineBackend::call_on_loop(Work work) {
  Backend* target = &engine_side_;
  auto answered = run_on_loop(
      io_, [target, work = std::move(work)]() mutable { return work(*target); }, timeout_);
  if (!answered) return std::unexpected(timed_out());
  return std::move(*answered);
}

call::Refusal EngineBackend::timed_out() const {
  const auto ms = timeout_.count();
  const std::string within =
      ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
  return call::Refusal{503, 20500, "the call engine did not answer within " + within};
}

// Each lambda takes its arguments by value: the caller's references may be gone when it runs.

std::expected<call::CallRecord, call::Refusal> EngineBackend::create_call(
    const call::OutboundCall& request) {
  return call_on_loop([request](Backend& engine) { return engine.create_call(request); });
}

std::expected<call::CallRecord, call::Refusal> EngineBackend::find_call(const std::string& account,
                                                                        const std::string& sid) {
  return call_on_loop([account, sid](Backend& engine) { return engine.find_call(account, sid); });
}

std::expected<std::vector<call::CallRecord>, call::Refusal> EngineBackend::list_calls(
    const std::string& account, const call::CallFilter& filter) {
  return call_on_loop(
      [account, filter](Backend& engine) { return engine.list_calls(account, filter); });
}

std::expected<call::CallRecord, call::Refusal> EngineBackend::update_call(
    const std::string& account, const std::string& sid, const call::CallUpdate& update) {
  return call_on_loop(
      [account, sid, update](Backend& engine) { return engine.update_call(account, sid, update); });
}

std::expected<call::AppRecord, call::Refusal> EngineBackend::create_application(
    const std::string& account, const call::AppChange& fields) {
  return call_on_loop(
      [account, fields](Backend& engine) { return engine.create_application(account, fields); });
}

std::expected<call::AppRecord, call::Refusal> EngineBackend::find_application(
    const std::string& account, const std::string& sid) {
  return call_on_loop(
      [account, sid](Backend& engine) { return engine.find_application(account, sid); });
}

std::expected<std::vector<call::AppRecord>, call::Refusal> EngineBackend::list_applications(
    const std::string& account) {
  return call_on_loop([account](Backend& engine) { return engine.list_applications(account); });
}

std::expected<call::AppRecord, call::Refusal> EngineBackend::update_application(
    const std::string& account, const std::string& sid, const call::AppChange& fields) {
  return call_on_loop([account, sid, fields](Backend& engine) {
    return engine.update_application(account, sid, fields);
  });
}

std::expected<void, call::Refusal> EngineBackend::delete_application(const std::string& account,
                                                                     const std::string& sid) {
  return call_on_loop(
      [account, sid](Backend& engine) { return engine.delete_application(account, sid); });
}

}  // namespace sipref::api
