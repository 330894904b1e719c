#include "sipp/sipp_runner.h"

#include <signal.h>

#include <boost/process.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>

#include "util/subprocess.h"

namespace sipconform {

namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// SIPp exits on its own at -timeout; the runner's kill is only for a hung SIPp.
constexpr double kKillGraceS = 5;

std::string shell_quote(const std::string& word) {
  static constexpr std::string_view safe =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-";
  if (!word.empty() && word.find_first_not_of(safe) == std::string::npos) return word;
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// Runs `program args…` to completion with stdout+stderr into `log`; returns its exit code.
Result<int> run_quietly(const std::string& program, const std::vector<std::string>& args,
                        const std::string& log) {
  std::error_code ec;
  bp::child child(bp::exe = program, bp::args = args, (bp::std_out & bp::std_err) > log,
                  bp::std_in < bp::null, ec);
  if (ec) return fail("cannot run " + program + ": " + ec.message());
  if (!await_exit(child.id(), Clock::now() + std::chrono::seconds(30))) {
    child.terminate(ec);
    return fail(program + " did not finish within 30 s");
  }
  child.wait(ec);
  return child.exit_code();
}

struct TlsMaterial {
  std::string certificate;
  std::string key;
};

// SIPp builds without OpenSSL (Debian's sip-tester among them) have no l1 transport; say so
// instead of letting SIPp fail with a usage error.
Result<bool> tls_supported(const std::string& sipp) {
  static std::mutex mutex;
  static std::map<std::string, bool> cache;
  std::lock_guard lock(mutex);
  if (!cache.contains(sipp)) {
    auto log = (fs::temp_directory_path() /
                ("sipconform-sipp-help-" + std::to_string(::getpid()) + ".txt"))
                   .string();
    auto ran = run_quietly(sipp, {"-h"}, log);
    if (!ran) return std::unexpected(ran.error());
    std::ifstream in(log, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::error_code ec;
    fs::remove(log, ec);
    cache[sipp] =
        text.find("l1:") != std::string::npos || text.find("-tls_cert") != std::string::npos;
  }
  return cache[sipp];
}

Result<void> check_tls_support(const std::string& sipp) {
  auto supported = tls_supported(sipp);
  if (!supported) return std::unexpected(supported.error());
  if (!*supported)
    return fail(
        sipp +
        " was built without TLS (its -t list has no l1); TLS parties need a TLS-enabled SIPp "
        "(set the party's program to it)");
  return {};
}

// One self-signed pair per harness run: SIPp needs a certificate even as a TLS client.
Result<TlsMaterial> tls_material() {
  static std::mutex mutex;
  static std::optional<Result<TlsMaterial>> made;
  std::lock_guard lock(mutex);
  if (made) return *made;
  auto dir = fs::temp_directory_path() / ("sipconform-tls-" + std::to_string(::getpid()));
  std::error_code ec;
  fs::create_directories(dir, ec);
  TlsMaterial material{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  auto openssl = find_program("openssl");
  if (!openssl)
    return *(made =
                 fail("openssl not found on PATH: needed to make a certificate for TLS parties"));
  auto ran = run_quietly(*openssl,
                         {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                          "/CN=sipconform", "-keyout", material.key, "-out", material.certificate},
                         (dir / "openssl.log").string());
  if (!ran) return *(made = std::unexpected(ran.error()));
  if (*ran != 0) return *(made = fail("openssl req failed; see " + (dir / "openssl.log").string()));
  return *(made = material);
}

Result<std::string> transport_flag(const std::string& transport) {
  if (transport == "udp") return std::string("u1");
  if (transport == "tcp") return std::string("t1");
  if (transport == "tls") return std::string("l1");
  return fail("unknown transport '" + transport + "' (udp, tcp or tls)");
}

Result<std::vector<std::string>> build_args(const SippLaunch& launch, const std::string& sipp) {
  auto flag = transport_flag(launch.tls_tunnel_port ? "tcp" : launch.transport);
  if (!flag) return std::unexpected(flag.error());
  std::vector<std::string> args;
  if (!launch.remote.empty()) args.push_back(launch.remote);
  if (!launch.builtin.empty())
    args.insert(args.end(), {"-sn", launch.builtin});
  else
    args.insert(args.end(), {"-sf", launch.scenario_path});
  args.insert(args.end(), {"-i", launch.local_ip, "-p", std::to_string(launch.local_port), "-t",
                           *flag, "-m", std::to_string(launch.calls)});
  if (!launch.service.empty()) args.insert(args.end(), {"-s", launch.service});
  if (launch.media_port) args.insert(args.end(), {"-mp", std::to_string(launch.media_port)});
  for (const auto& [name, value] : launch.keys) args.insert(args.end(), {"-key", name, value});
  if (!launch.auth_username.empty()) args.insert(args.end(), {"-au", launch.auth_username});
  if (!launch.auth_password.empty()) args.insert(args.end(), {"-ap", launch.auth_password});
  if (launch.transport == "tls" && !launch.tls_tunnel_port) {
    if (auto ok = check_tls_support(sipp); !ok) return std::unexpected(ok.error());
    auto tls = tls_material();
    if (!tls) return std::unexpected(tls.error());
    args.insert(args.end(), {"-tls_cert", tls->certificate, "-tls_key", tls->key});
  }
  // SIPp's global timeout has whole-second resolution.
  auto timeout = std::max(1, static_cast<int>(std::ceil(launch.timeout_s)));
  auto file = [&](const char* suffix) {
    return (fs::path(launch.out_dir) / (launch.name + suffix)).string();
  };
  args.insert(args.end(),
              {"-nostdin", "-timeout", std::to_string(timeout) + "s", "-timeout_error",
               "-trace_msg", "-message_file", file(".messages.log"), "-trace_err", "-error_file",
               file(".errors.log"), "-trace_screen", "-screen_file", file(".screen.log")});
  return args;
}

// stunnel4 as a TLS server on tls_tunnel_port, handing each connection to SIPp's TCP port; its
// config and log go to the evidence folder.
Result<bp::child> start_tls_tunnel(const SippLaunch& launch) {
  auto stunnel = find_program("stunnel4");
  if (!stunnel) stunnel = find_program("stunnel");
  if (!stunnel) return fail("stunnel4 not found on PATH: TLS parties need it (tools/bootstrap installs it)");
  auto tls = tls_material();
  if (!tls) return std::unexpected(tls.error());
  const auto base = fs::path(launch.out_dir) / launch.name;
  const std::string conf = base.string() + ".stunnel.conf";
  std::ofstream(conf) << "foreground = yes\npid =\ndebug = notice\noutput = " << base.string() << ".stunnel.log\n"
                      << "[sip]\naccept = " << launch.local_ip << ":" << launch.tls_tunnel_port << "\n"
                      << "connect = " << launch.local_ip << ":" << launch.local_port << "\n"
                      << "cert = " << tls->certificate << "\nkey = " << tls->key << "\n";
  std::error_code ec;
  bp::child child(bp::exe = *stunnel, bp::args = std::vector<std::string>{conf},
                  (bp::std_out & bp::std_err) > (base.string() + ".stunnel.stdout.log"), bp::std_in < bp::null, ec);
  if (ec) return fail("cannot start " + *stunnel + ": " + ec.message());
  return child;
}

Result<void> validate(const SippLaunch& launch) {
  if (launch.name.empty()) return fail("SIPp party without a name");
  if (launch.scenario_path.empty() == launch.builtin.empty())
    return fail("party " + launch.name + ": give either a scenario file or a built-in scenario");
  if (launch.local_ip.empty()) return fail("party " + launch.name + ": no local IP address");
  if (launch.out_dir.empty()) return fail("party " + launch.name + ": no evidence folder");
  if (launch.calls < 1) return fail("party " + launch.name + ": calls must be at least 1");
  if (launch.tls_tunnel_port && !launch.remote.empty())
    return fail("party " + launch.name + ": a TLS tunnel serves callees only (a TLS caller needs a TLS-enabled SIPp)");
  return {};
}

}  // namespace

struct SippProcess::Impl {
  SippLaunch launch;
  std::string command_line;
  bp::child child;
  bp::child tunnel;  // stunnel4 in front of a TLS callee; stopped with SIPp
  Clock::time_point started;
  std::optional<int> exit_code;
};

Result<std::unique_ptr<SippProcess>> SippProcess::start(const SippLaunch& launch) {
  if (auto ok = validate(launch); !ok) return std::unexpected(ok.error());
  auto sipp = find_program(launch.program);
  if (!sipp)
    return fail("SIPp ('" + launch.program +
                "') not found on PATH; install sip-tester (tools/bootstrap)");
  auto args = build_args(launch, *sipp);
  if (!args) return std::unexpected(args.error());
  std::error_code ec;
  fs::create_directories(launch.out_dir, ec);
  if (ec) return fail("cannot create " + launch.out_dir + ": " + ec.message());

  std::unique_ptr<SippProcess> process(new SippProcess());
  process->impl_ = std::make_unique<Impl>();
  Impl& impl = *process->impl_;
  impl.launch = launch;
  impl.command_line = shell_quote(*sipp);
  for (const auto& arg : *args) impl.command_line += " " + shell_quote(arg);
  auto stdout_log = (fs::path(launch.out_dir) / (launch.name + ".stdout.log")).string();
  // The working directory is the evidence folder so that anything else SIPp writes lands there.
  impl.child =
      bp::child(bp::exe = *sipp, bp::args = *args, (bp::std_out & bp::std_err) > stdout_log,
                bp::std_in < bp::null, bp::start_dir = launch.out_dir, ec);
  if (ec) return fail("cannot start " + impl.command_line + ": " + ec.message());
  impl.started = Clock::now();
  if (launch.tls_tunnel_port) {
    auto tunnel = start_tls_tunnel(launch);
    if (!tunnel) return std::unexpected(tunnel.error());
    impl.tunnel = std::move(*tunnel);
    impl.command_line += " (behind stunnel4 TLS on " + launch.local_ip + ":" + std::to_string(launch.tls_tunnel_port) + ")";
  }
  return process;
}

SippProcess::~SippProcess() {
  if (impl_ && !impl_->exit_code && impl_->child.valid()) {
    std::error_code ec;
    impl_->child.terminate(ec);  // SIGKILL and reap
  }
  if (impl_ && impl_->tunnel.valid() && impl_->tunnel.running()) {
    std::error_code ec;
    impl_->tunnel.terminate(ec);
  }
}

int SippProcess::wait() {
  Impl& impl = *impl_;
  if (impl.exit_code) return *impl.exit_code;
  auto deadline =
      impl.started + std::chrono::duration_cast<Clock::duration>(
                         std::chrono::duration<double>(impl.launch.timeout_s + kKillGraceS));
  std::error_code ec;
  if (!await_exit(impl.child.id(), deadline)) {
    // Hung past its own -timeout: SIGTERM lets SIPp flush its traces, SIGKILL if it ignores it.
    ::kill(impl.child.id(), SIGTERM);
    if (!await_exit(impl.child.id(), Clock::now() + std::chrono::seconds(1)))
      impl.child.terminate(ec);
    else
      impl.child.wait(ec);
    return *(impl.exit_code = -1);
  }
  impl.child.wait(ec);
  int status = impl.child.native_exit_code();
  if (WIFEXITED(status))
    impl.exit_code = WEXITSTATUS(status);
  else
    impl.exit_code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
  return *impl.exit_code;
}

bool sipp_has_tls(const std::string& program) {
  auto sipp = find_program(program);
  if (!sipp) return false;
  auto supported = tls_supported(*sipp);
  return supported && *supported;
}

const std::string& SippProcess::command_line() const {
  return impl_->command_line;
}

std::vector<std::string> SippProcess::evidence_files() const {
  std::vector<std::string> files;
  for (const char* suffix : {".stdout.log", ".messages.log", ".errors.log", ".screen.log", ".stunnel.conf",
                             ".stunnel.log"}) {
    auto name = impl_->launch.name + suffix;
    std::error_code ec;
    if (fs::exists(fs::path(impl_->launch.out_dir) / name, ec)) files.push_back(name);
  }
  return files;
}

}  // namespace sipconform
