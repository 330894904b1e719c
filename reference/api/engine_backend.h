// The Backend that the REST server's threads use: each call runs on the engine's io_context
// thread (the only thread that may touch call state) and is awaited for at most a few seconds.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "api/backend.h"

namespace sipref::api {

// Runs `work` on the loop's thread and waits at most `timeout` for its result; nullopt when the
// loop did not answer in time (stopped, or stuck). `work` must own copies of what it reads: the
// caller may have given up and returned by the time it runs.
template <class Work>
std::optional<std::invoke_result_t<Work&>> run_on_loop(boost::asio::io_context& io, Work work,
                                                       std::chrono::milliseconds timeout) {
  using Result = std::invoke_result_t<Work&>;
  auto promise = std::make_shared<std::promise<Result>>();
  auto future = promise->get_future();
  boost::asio::post(io,
                    [promise, work = std::move(work)]() mutable { promise->set_value(work()); });
  if (future.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return future.get();
}

// A Backend over any object with the Backend's member functions (call::Engine), without that
// object deriving from Backend. Runs on whatever thread calls it: wrap it in an EngineBackend.
template <class Target>
class ForwardingBackend final : public Backend {
 public:
  explicit ForwardingBackend(Target& target) : target_(target) {}

  std::expected<call::CallRecord, call::Refusal> create_call(
      const call::OutboundCall& request) override {
    return target_.create_call(request);
  }
  std::expected<call::CallRecord, call::Refusal> find_call(const std::string& account,
                                                           const std::string& sid) override {
    return target_.find_call(account, sid);
  }
  std::expected<std::vector<call::CallRecord>, call::Refusal> list_calls(
      const std::string& account, const call::CallFilter& filter) override {
    return target_.list_calls(account, filter);
  }
  std::expected<call::CallRecord, call::Refusal> update_call(
      const std::string& account, const std::string& sid, const call::CallUpdate& update) override {
    return target_.update_call(account, sid, update);
  }
  std::expected<call::AppRecord, call::Refusal> create_application(
      const std::string& account, const call::AppChange& fields) override {
    return target_.create_application(account, fields);
  }
  std::expected<call::AppRecord, call::Refusal> find_application(const std::string& account,
                                                                 const std::string& sid) override {
    return target_.find_application(account, sid);
  }
  std::expected<std::vector<call::AppRecord>, call::Refusal> list_applications(
      const std::string& account) override {
    return target_.list_applications(account);
  }
  std::expected<call::AppRecord, call::Refusal> update_application(
      const std::string& account, const std::string& sid, const call::AppChange& fields) override {
    return target_.update_application(account, sid, fields);
  }
  std::expected<void, call::Refusal> delete_application(const std::string& account,
                                                        const std::string& sid) override {
    return target_.delete_application(account, sid);
  }

 private:
  Target& target_;
};

// Thread-safe: every method posts the same call on `engine_side` to the io_context and waits.
// After `timeout` the answer is a 503 Refusal (20500); the posted call may still run later,
// harmlessly, since it owns copies of its arguments. `engine_side` is only ever called on the
// loop's thread and must outlive the io_context's last run.
class EngineBackend final : public Backend {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{5000};

  EngineBackend(boost::asio::io_context& io, Backend& engine_side,
                std::chrono::milliseconds timeout = kDefaultTimeout)
      : io_(io), engine_side_(engine_side), timeout_(timeout) {}

  std::expected<call::CallRecord, call::Refusal> create_call(
      const call::OutboundCall& request) override;
  std::expected<call::CallRecord, call::Refusal> find_call(const std::string& account,
                                                           const std::string& sid) override;
  std::expected<std::vector<call::CallRecord>, call::Refusal> list_calls(
      const std::string& account, const call::CallFilter& filter) override;
  std::expected<call::CallRecord, call::Refusal> update_call(
      const std::string& account, const std::string& sid, const call::CallUpdate& update) override;
  std::expected<call::AppRecord, call::Refusal> create_application(
      const std::string& account, const call::AppChange& fields) override;
  std::expected<call::AppRecord, call::Refusal> find_application(const std::string& account,
                                                                 const std::string& sid) override;
  std::expected<std::vector<call::AppRecord>, call::Refusal> list_applications(
      const std::string& account) override;
  std::expected<call::AppRecord, call::Refusal> update_application(
      const std::string& account, const std::string& sid, const call::AppChange& fields) override;
  std::expected<void, call::Refusal> delete_application(const std::string& account,
                                                        const std::string& sid) override;

 private:
  // `work(engine_side_)` on the loop, or the timeout Refusal.
  template <class Work>
  std::invoke_result_t<Work&, Backend&> call_on_loop(Work work);
  call::Refusal timed_out() const;

  boost::asio::io_context& io_;
  Backend& engine_side_;
  std::chrono::milliseconds timeout_;
};

}  // namespace sipref::api
