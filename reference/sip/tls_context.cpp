#include "sip/tls_context.h"

namespace sipref::sip {
namespace {

using boost::asio::ssl::context;

Result<void> load_identity(context& ctx, const TlsSettings& settings) {
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(settings.certificate_file, ec);
  if (ec) return fail("TLS certificate " + settings.certificate_file + ": " + ec.message());
  ctx.use_private_key_file(settings.private_key_file, context::pem, ec);
  if (ec) return fail("TLS private key " + settings.private_key_file + ": " + ec.message());
  return {};
}

}  // namespace

Result<std::unique_ptr<TlsContexts>> make_tls_contexts(const TlsSettings& settings) {
  auto contexts = std::make_unique<TlsContexts>();
  // TLS 1.2 is the floor SIP providers accept today; older versions are refused.
  for (context* ctx : {&contexts->server, &contexts->client})
    ctx->set_options(context::default_workarounds | context::no_sslv2 | context::no_sslv3 |
                     context::no_tlsv1 | context::no_tlsv1_1);
  if (!settings.certificate_file.empty()) {
    if (auto loaded = load_identity(contexts->server, settings); !loaded)
      return fail(loaded.error().message);
    // The same identity is offered when a peer asks our client side for a certificate.
    if (auto loaded = load_identity(contexts->client, settings); !loaded)
      return fail(loaded.error().message);
  }
  if (!settings.verify_peer) {
    contexts->client.set_verify_mode(context::verify_none);
    return contexts;
  }
  boost::system::error_code ec;
  if (settings.ca_file.empty())
    contexts->client.set_default_verify_paths(ec);
  else
    contexts->client.load_verify_file(settings.ca_file, ec);
  if (ec) return fail("TLS CA file " + settings.ca_file + ": " + ec.message());
  contexts->client.set_verify_mode(context::verify_peer);
  return contexts;
}

}  // namespace sipref::sip
