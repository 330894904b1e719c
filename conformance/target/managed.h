// A managed target: the harness writes the target's config (its voice URL pointing at the mock
// webhook server), starts it, waits until it answers OPTIONS with 200, and stops it afterwards.
#pragma once

#include <memory>
#include <string>

#include "target/profile.h"
#include "util/error.h"

namespace sipconform {

class ManagedTarget {
 public:
  // `repo_root` resolves the profile's relative command; `work_dir` receives the generated
  // config ("target.yaml") and the target's log ("target.log").
  static Result<std::unique_ptr<ManagedTarget>> start(const TargetProfile& profile, const std::string& repo_root,
                                                      const std::string& voice_url, const std::string& work_dir,
                                                      double ready_timeout_s = 10);
  ~ManagedTarget();  // stops the process (SIGTERM, then SIGKILL after 5 s)
  ManagedTarget(const ManagedTarget&) = delete;
  ManagedTarget& operator=(const ManagedTarget&) = delete;

  bool alive() const;
  std::string log_path() const;

 private:
  ManagedTarget() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sends SIP OPTIONS over UDP to host:port from an ephemeral port and waits for a final
// response; returns its status code (e.g. 200). For readiness checks.
Result<int> probe_options(const std::string& host, std::uint16_t port, double timeout_s);

}  // namespace sipconform
