// TLS identity and peer-verification settings for the SIP transport (RFC 3261 §26.3.1), turned
// into the OpenSSL contexts that accepted (server role) and opened (client role) connections use.
#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "util/error.h"

namespace sipref::sip {

struct TlsSettings {
  std::string certificate_file;  // PEM chain; empty for a client-only transport
  std::string private_key_file;  // PEM
  std::string ca_file;           // PEM trust anchors for verify_peer; empty = system defaults
  bool verify_peer = false;      // verify the server's chain when we connect (no host-name check)
};

struct TlsContexts {
  boost::asio::ssl::context server{boost::asio::ssl::context::tls_server};
  boost::asio::ssl::context client{boost::asio::ssl::context::tls_client};
};

// Loads the files once at start-up; errors name the file and OpenSSL's reason.
Result<std::unique_ptr<TlsContexts>> make_tls_contexts(const TlsSettings& settings);

}  // namespace sipref::sip
