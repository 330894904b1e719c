#include "sip/response.h"

#include <string>

#include "sip/headers.h"

namespace sipref::sip {

bool creates_dialog(std::string_view method) {
  return method == "INVITE" || method == "SUBSCRIBE" || method == "REFER";
}

namespace {

// To with `tag` appended to the text as received (so the peer sees its own To plus a tag, byte
// for byte), or unchanged when it already has one. Appending is right for both forms: after an
// addr-spec, ";tag" is a header parameter too (§20.10).
std::string tagged_to(std::string_view to, std::string_view tag) {
  auto parsed = parse_name_addr(to);
  if (parsed && !parsed->tag().empty()) return std::string(to);
  return std::string(to) + ";tag=" + std::string(tag);
}

}  // namespace

Message make_response(const Message& request, int status, std::string_view reason,
                      std::string_view to_tag) {
  Message response = Message::response(status, std::string(reason));
  for (auto via : request.all("Via")) response.add("Via", std::string(via));
  if (auto from = request.header("From")) response.add("From", std::string(*from));
  if (auto to = request.header("To")) {
    const bool add_tag = status != 100 && !to_tag.empty();
    response.add("To", add_tag ? tagged_to(*to, to_tag) : std::string(*to));
  }
  if (auto call_id = request.header("Call-ID")) response.add("Call-ID", std::string(*call_id));
  if (auto cseq = request.header("CSeq")) response.add("CSeq", std::string(*cseq));
  if (status > 100 && status < 300 && creates_dialog(request.method()))
    for (auto route : request.all("Record-Route")) response.add("Record-Route", std::string(route));
  return response;
}

}  // namespace sipref::sip
