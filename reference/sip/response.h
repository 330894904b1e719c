// Responses built from a received request (RFC 3261 §8.2.6): the headers a UAS must copy and
// the To-tag and Record-Route rules that start a dialog (§12.1.1).
#pragma once

#include <string_view>

#include "sip/message.h"

namespace sipref::sip {

// Methods whose 1xx (with To tag) or 2xx response establishes a dialog: INVITE (RFC 3261),
// SUBSCRIBE (RFC 6665), REFER outside a dialog (RFC 3515).
bool creates_dialog(std::string_view method);

// A response to `request`: every Via in order, From, To, Call-ID and CSeq copied. The To tag is
// added when the request has none and `to_tag` is non-empty, but never to a 100 (§8.2.6.2: a 100
// is hop-by-hop and must not create a dialog). 101-299 responses to dialog-creating requests
// carry the request's Record-Route list (§12.1.1) so the peer sees the same route set.
// An empty `reason` gives the standard phrase. No Contact: the dialog/UA core adds its own.
Message make_response(const Message& request, int status, std::string_view reason = {},
                      std::string_view to_tag = {});

}  // namespace sipref::sip
