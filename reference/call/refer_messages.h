// The SIP messages of a transfer built and read as values: the NOTIFY that reports an inbound
// REFER's progress (RFC 3515 §2.4.4, message/sipfrag) and what an outbound <Refer> reads back.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sip/message.h"

namespace sipref::call {

// "SIP/2.0 200 OK\r\n": the status line a sipfrag body reports.
std::string sipfrag_for(int status);
// The status of a message/sipfrag body's status line; nullopt when it has none.
std::optional<int> sipfrag_status(std::string_view body);

// Turns an in-dialog NOTIFY (from Dialog::make_request) into a REFER progress report: Event
// refer, Subscription-State active (status < 200) or terminated, and the sipfrag body.
void make_refer_notify(sip::Message& notify, int status);

// RFC 4488: the REFER asked for no implicit subscription (Refer-Sub: false).
bool refer_sub_false(const sip::Message& refer);

// The Refer-To value of an outbound REFER for a <Refer><Sip> URI: in angle brackets, headers
// kept as written [refer.outbound].
std::string refer_to_for(std::string_view sip_uri);

}  // namespace sipref::call
