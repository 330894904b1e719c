#include "sipp/capture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>

#include "util/subprocess.h"

namespace sipconform {

namespace bp = boost::process;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string random_hex(std::size_t digits) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  for (std::size_t i = 0; i < digits; ++i) text += hex[engine() % 16];
  return text;
}

// A UDP socket on 127.0.0.1 that the capture filter also admits: stop() sends a datagram
// carrying a nonce to it and waits until that datagram is in the pcap file. Loopback delivery is
// synchronous, so everything sent before the marker is then on disk; a fixed sleep would race
// dumpcap's read timeout and file flush interval.
struct Marker {
  int fd = -1;
  std::uint16_t port = 0;
  std::string payload;
};

Result<Marker> open_marker() {
  Marker marker;
  marker.fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (marker.fd < 0) return fail("capture: cannot open a UDP socket for the stop marker");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (::bind(marker.fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      ::getsockname(marker.fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(marker.fd);
    return fail("capture: cannot bind the stop marker socket on 127.0.0.1");
  }
  marker.port = ntohs(address.sin_port);
  marker.payload = "sipconform-capture-end " + random_hex(24);
  return marker;
}

void send_marker(const Marker& marker) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(marker.port);
  ::sendto(marker.fd, marker.payload.data(), marker.payload.size(), 0,
           reinterpret_cast<sockaddr*>(&address), sizeof address);
}

// The last lines of a tool's log, for error messages.
std::string tail(const std::string& text, std::size_t max_lines = 8) {
  std::size_t start = text.size();
  for (std::size_t lines = 0; start > 0 && lines <= max_lines;)
    if (text[--start] == '\n' && start + 1 < text.size()) ++lines;
  auto cut = text.substr(start);
  while (!cut.empty() && (cut.front() == '\n' || cut.front() == ' ')) cut.erase(0, 1);
  while (!cut.empty() && (cut.back() == '\n' || cut.back() == ' ')) cut.pop_back();
  return cut;
}

}  // namespace

struct Capture::Impl {
  bp::child child;
  std::string pcap_path;
  std::string log_path;
  Marker marker;
  bool stopped = false;

  ~Impl() {
    if (marker.fd >= 0) ::close(marker.fd);
  }
  bool marker_on_disk(std::size_t& scanned) const;
  void finish();
};

// Scans only what was appended since the last call (keeping an overlap for a split marker).
bool Capture::Impl::marker_on_disk(std::size_t& scanned) const {
  std::ifstream in(pcap_path, std::ios::binary);
  if (!in) return false;
  in.seekg(static_cast<std::streamoff>(scanned));
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.find(marker.payload) != std::string::npos) return true;
  if (data.size() > marker.payload.size()) scanned += data.size() - marker.payload.size();
  return false;
}

void Capture::Impl::finish() {
  if (stopped) return;
  stopped = true;
  std::error_code ec;
  if (!child.valid()) return;
  ::kill(child.id(), SIGINT);  // dumpcap writes its last block and closes the file
  if (!await_exit(child.id(), Clock::now() + std::chrono::seconds(5)))
    child.terminate(ec);
  else
    child.wait(ec);
}

Result<std::unique_ptr<Capture>> Capture::start(const std::string& filter,
                                                const std::string& pcap_path) {
  auto dumpcap = find_program("dumpcap");
  if (!dumpcap) return fail("dumpcap not found on PATH: install tshark (tools/bootstrap)");
  auto marker = open_marker();
  if (!marker) return std::unexpected(marker.error());
  std::unique_ptr<Capture> capture(new Capture());
  capture->impl_ = std::make_unique<Impl>();
  Impl& impl = *capture->impl_;
  impl.marker = *marker;
  impl.pcap_path = pcap_path;
  impl.log_path = fs::path(pcap_path).replace_extension(".dumpcap.log").string();
  std::error_code ec;
  auto folder = fs::path(pcap_path).parent_path();
  if (!folder.empty() && (fs::create_directories(folder, ec), ec))
    return fail("capture: cannot create " + folder.string() + ": " + ec.message());
  fs::remove(pcap_path, ec);
  auto marker_filter =
      "(udp and dst host 127.0.0.1 and dst port " + std::to_string(impl.marker.port) + ")";
  auto full_filter = filter.empty() ? std::string() : "(" + filter + ") or " + marker_filter;
  std::vector<std::string> args{"-i", "lo", "-w", pcap_path, "-q"};
  if (!full_filter.empty()) args.insert(args.begin() + 2, {"-f", full_filter});
  impl.child = bp::child(bp::exe = *dumpcap, bp::args = args,
                         (bp::std_out & bp::std_err) > impl.log_path, bp::std_in < bp::null, ec);
  if (ec) return fail("cannot start dumpcap: " + ec.message());
  // "Capturing on" comes before the interface is opened; "File:" once the filter is set and the
  // output file written, so from then on every packet is kept.
  auto deadline = Clock::now() + std::chrono::seconds(10);
  while (read_text(impl.log_path).find("File: ") == std::string::npos) {
    if (await_exit(impl.child.id(), Clock::now() + std::chrono::milliseconds(10))) {
      impl.child.wait(ec);
      impl.stopped = true;
      return fail("dumpcap exited (" + std::to_string(impl.child.exit_code()) +
                  ") before capturing: " + tail(read_text(impl.log_path)));
    }
    if (Clock::now() >= deadline) {
      impl.finish();
      return fail("dumpcap did not start capturing within 10 s: " + tail(read_text(impl.log_path)));
    }
  }
  return capture;
}

Capture::~Capture() {
  if (impl_) impl_->finish();
}

void Capture::stop() {
  Impl& impl = *impl_;
  if (impl.stopped) return;
  send_marker(impl.marker);
  std::size_t scanned = 0;
  auto deadline = Clock::now() + std::chrono::seconds(3);  // dumpcap flushes about twice a second
  while (!impl.marker_on_disk(scanned) && Clock::now() < deadline) {
    if (await_exit(impl.child.id(), Clock::now() + std::chrono::milliseconds(20))) break;
  }
  impl.finish();
}

bool capture_available(std::string& why) {
  static std::mutex mutex;
  static std::optional<std::pair<bool, std::string>> cached;
  std::lock_guard lock(mutex);
  if (!cached) {
    cached.emplace(false, "");
    if (!find_program("dumpcap"))
      cached->second = "dumpcap not found on PATH (Debian package tshark)";
    else if (!find_program("tshark"))
      cached->second = "tshark not found on PATH (Debian package tshark)";
    else {
      auto dir =
          fs::temp_directory_path() / ("sipconform-capture-check-" + std::to_string(::getpid()));
      std::error_code ec;
      fs::create_directories(dir, ec);
      auto pcap = (dir / "check.pcap").string();
      if (auto capture = Capture::start("udp port 9", pcap); !capture) {
        cached->second = "cannot capture on lo: " + capture.error().message;
      } else {
        (*capture)->stop();
        // The stop marker proves that packets really reach the file, not just that it opened.
        if (read_text(pcap).find("sipconform-capture-end") == std::string::npos)
          cached->second = "dumpcap on lo recorded no packets (see " + pcap + ")";
        else
          cached->first = true;
      }
      if (cached->first) fs::remove_all(dir, ec);
    }
  }
  why = cached->second;
  return cached->first;
}

}  // namespace sipconform
