// sipref entry point: reads the command line and the config, binds every edge's sockets, and
// runs the call engine on one event loop until SIGTERM/SIGINT.
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include <cstdio>
#include <string>
#include <string_view>

#include "api/engine_backend.h"
#include "api/rest_server.h"
#include "call/engine.h"
#include "config/config.h"
#include "sip/asio_timers.h"
#include "sip/transport.h"
#include "util/log.h"

namespace {

constexpr std::string_view kUsage =
    "usage: sipref --config FILE [--log-level debug|info|warning|error]\n"
    "       sipref --check FILE      validate a config file and exit\n"
    "       sipref --list-deviations the deliberate mistakes `deviations:` can switch on (self-test)\n";

struct Options {
  std::string config;
  bool check_only = false;
  sipref::log::Level level = sipref::log::Level::info;
};

// An error is one line even when it quotes input with line breaks (a YAML block scalar, an
// argument): control characters are escaped.
std::string one_line(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    char escaped[5];
    if (c == '\n' || c == '\r')
      out += c == '\n' ? "\\n" : "\\r";
    else if (byte < 0x20 || byte == 0x7f)
      out += (std::snprintf(escaped, sizeof escaped, "\\x%02x", byte), escaped);
    else
      out += c;
  }
  return out;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "sipref: %s\n%.*s", one_line(message).c_str(), static_cast<int>(kUsage.size()),
               kUsage.data());
  return 2;
}

std::optional<Options> parse_options(int argc, char** argv, int& exit_code) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--help" || arg == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      exit_code = 0;
      return std::nullopt;
    }
    if (arg == "--list-deviations") {
      // name <TAB> behaviour IDs it breaks <TAB> what it does: read by `sipconform selftest`.
      for (const auto& info : sipref::all_deviations()) {
        std::string ids;
        for (auto id : info.behaviours) ids += (ids.empty() ? "" : ",") + std::string(id);
        std::printf("%s\t%s\t%s\n", std::string(info.name).c_str(), ids.c_str(), std::string(info.what).c_str());
      }
      return exit_code = 0, std::nullopt;
    }
    if (arg == "--config" || arg == "--check") {
      const char* file = value();
      if (!file) return exit_code = usage_error(std::string(arg) + " needs a FILE"), std::nullopt;
      options.config = file;
      options.check_only = arg == "--check";
    } else if (arg == "--log-level") {
      const char* level = value();
      std::string_view l = level ? level : "";
      if (l == "debug") options.level = sipref::log::Level::debug;
      else if (l == "info") options.level = sipref::log::Level::info;
      else if (l == "warning") options.level = sipref::log::Level::warning;
      else if (l == "error") options.level = sipref::log::Level::error;
      else return exit_code = usage_error("--log-level takes debug, info, warning or error"), std::nullopt;
    } else {
      return exit_code = usage_error("unknown argument '" + std::string(arg) + "'"), std::nullopt;
    }
  }
  if (options.config.empty()) return exit_code = usage_error("no config given"), std::nullopt;
  return options;
}

// Binds UDP and TCP (and TLS when configured) on every edge's address. Without a certificate
// sipref still dials TLS (<Sip ;transport=tls>) as a client; it only cannot accept TLS.
bool bind_edges(const sipref::config::Config& config, sipref::sip::Transport& transport) {
  using sipref::sip::TransportKind;
  {
    sipref::sip::TlsSettings tls;
    if (config.tls) {
      tls.certificate_file = config.tls->certificate;
      tls.private_key_file = config.tls->private_key;
    }
    if (auto loaded = transport.use_tls(tls); !loaded) {
      std::fprintf(stderr, "sipref: %s: tls: %s\n", config.source.c_str(), loaded.error().message.c_str());
      return false;
    }
  }
  for (const auto& edge : config.edges) {
    std::vector<std::pair<TransportKind, std::uint16_t>> sockets{{TransportKind::udp, edge.udp_port},
                                                                 {TransportKind::tcp, edge.tcp_port}};
    if (config.tls) sockets.emplace_back(TransportKind::tls, edge.tls_port);
    for (auto [kind, port] : sockets) {
      if (auto bound = transport.listen(kind, {edge.address, port}); !bound) {
        std::fprintf(stderr, "sipref: edge %s: %s\n", edge.name.c_str(), bound.error().message.c_str());
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = 2;
  auto options = parse_options(argc, argv, exit_code);
  if (!options) return exit_code;
  sipref::log::set_threshold(options->level);

  auto config = sipref::config::load_config(options->config);
  if (!config) {
    std::fprintf(stderr, "%s\n", one_line(config.error().message).c_str());
    return 2;
  }
  if (options->check_only) {
    std::printf("%s: ok\n", options->config.c_str());
    return 0;
  }

  for (auto deviation : config->deviations) {
    sipref::enable_deviation(deviation);
    for (const auto& info : sipref::all_deviations())
      if (info.deviation == deviation)
        sipref::log::warn("", "deviation", std::string(info.name) + ": " + std::string(info.what) + " (self-test only)");
  }
  boost::asio::io_context io;
  sipref::sip::TransportSettings settings;
  sipref::sip::Transport transport(io, settings);
  sipref::sip::AsioTimers timers(io);
  if (!bind_edges(*config, transport)) return 2;
  auto engine = std::make_unique<sipref::call::Engine>(*config, io, transport, timers);
  bool draining = false;
  // The REST API and /metrics [api.*]: httplib's threads reach the engine only through its loop.
  sipref::api::ForwardingBackend<sipref::call::Engine> engine_side(*engine);
  sipref::api::EngineBackend backend(io, engine_side);
  std::unique_ptr<sipref::api::RestServer> rest;
  if (config->rest) {
    try {  // start-up: the one place exceptions are allowed
      rest = std::make_unique<sipref::api::RestServer>(*config->rest, backend, *config, [&io, &engine] {
        return sipref::api::run_on_loop(io, [&engine] { return engine->render_metrics(); }, std::chrono::seconds(2));
      });
    } catch (const std::exception& e) {
      std::fprintf(stderr, "sipref: %s: rest: %s\n", config->source.c_str(), e.what());
      return 2;
    }
  }

  // The first SIGTERM/SIGINT drains (new calls refused, live ones finish, bounded by
  // limits.drain_s); a second one stops at once.
  boost::asio::signal_set signals(io, SIGTERM, SIGINT);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int signal) {
        if (error) return;
        const std::string name = signal == SIGTERM ? "SIGTERM" : "SIGINT";
        if (draining) {
          sipref::log::info("", "stopping", name + " again: now");
          return io.stop();
        }
        draining = true;
        sipref::log::info("", "stopping", name + ": draining");
        engine->drain([&io] {
          sipref::log::info("", "drained", "no call left");
          io.stop();
        });
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);
  sipref::log::info("", "ready", "sipref listening on " + std::to_string(config->edges.size()) + " edges");
  io.run();
  rest.reset();  // before the engine it reads
  engine.reset();
  return 0;
}
