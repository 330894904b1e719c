#include "sip/dialog.h"

#include <algorithm>
#include <utility>

#include "sip/uri.h"

namespace sipref::sip {
namespace {

std::optional<std::string> tag_in(std::optional<std::string_view> value) {
  if (!value) return std::nullopt;
  auto parsed = parse_name_addr(*value);
  if (!parsed) return std::nullopt;
  return parsed->tag();
}

// Record-Route values in order, each list element on its own (a message built by hand may still
// hold "a, b" in one header).
std::vector<std::string> record_routes(const Message& message) {
  std::vector<std::string> out;
  for (auto value : message.all("Record-Route"))
    for (auto& element : split_list(value)) out.push_back(std::move(element));
  return out;
}

Result<std::string> contact_uri(const Message& message) {
  auto contact = message.header("Contact");
  if (!contact) return fail("no Contact in " + message.summary());
  auto parsed = parse_name_addr(*contact);
  if (!parsed)
    return fail("unusable Contact in " + message.summary() + ": " + parsed.error().message);
  return parsed->uri;
}

Result<CSeq> cseq_of(const Message& message) {
  auto value = message.header("CSeq");
  if (!value) return fail("no CSeq in " + message.summary());
  return parse_cseq(*value);
}

std::string route_uri(std::string_view route) {
  auto parsed = parse_name_addr(route);
  return parsed ? parsed->uri : std::string(route);
}

// A route without ;lr belongs to a strict router (RFC 2543). A URI we cannot parse is assumed
// loose, since every RFC 3261 element is.
bool is_loose(std::string_view route) {
  auto uri = parse_uri(route_uri(route));
  return !uri || uri->has_parameter("lr");
}

// §12.2.1.1: the strict router's URI goes into the Request-URI "stripping any parameters that
// are not allowed in a Request-URI" (§19.1.1: method and the headers part).
std::string as_request_uri(std::string_view uri_text) {
  auto uri = parse_uri(uri_text);
  if (!uri) return std::string(uri_text);
  uri->remove_parameter("method");
  return uri->to_string_without_headers();
}

}  // namespace

std::optional<DialogId> dialog_id_of_request(const Message& request) {
  auto call_id = request.header("Call-ID");
  auto local = tag_in(request.header("To"));
  if (!call_id || !local || local->empty()) return std::nullopt;
  // An RFC 2543 peer may send no From tag; §12.1.1 makes the remote tag empty then.
  return DialogId{std::string(*call_id), *local, tag_in(request.header("From")).value_or("")};
}

std::optional<DialogId> dialog_id_of_response(const Message& response) {
  auto call_id = response.header("Call-ID");
  auto local = tag_in(response.header("From"));
  auto remote = tag_in(response.header("To"));
  if (!call_id || !local || !remote || remote->empty()) return std::nullopt;
  return DialogId{std::string(*call_id), *local, *remote};
}

bool is_target_refresh(std::string_view method) {
  return method == "INVITE" || method == "UPDATE" || method == "SUBSCRIBE" || method == "NOTIFY" ||
         method == "REFER";
}

std::string_view to_string(DialogState state) {
  switch (state) {
    case DialogState::early:
      return "early";
    case DialogState::confirmed:
      return "confirmed";
    case DialogState::terminated:
      return "terminated";
  }
  return "?";
}

Result<Dialog> Dialog::create_uac(const Message& invite, const Message& response) {
  if (response.status() <= 100 || response.status() >= 300)
    return fail("a dialog is created by a 101-299 response, not " + response.summary());
  auto id = dialog_id_of_response(response);
  if (!id) return fail("no To tag in " + response.summary() + ": it creates no dialog");
  auto local = parse_name_addr(invite.header("From").value_or(""));
  auto remote = parse_name_addr(response.header("To").value_or(""));
  auto target = contact_uri(response);
  auto our_contact = contact_uri(invite);
  auto cseq = cseq_of(invite);
  if (!local || !remote)
    return fail("unusable From/To building a dialog from " + response.summary());
  if (!target) return fail(target.error().message);
  if (!our_contact) return fail(our_contact.error().message);
  if (!cseq) return fail(cseq.error().message);

  Dialog dialog;
  dialog.id_ = std::move(*id);
  dialog.uac_ = true;
  dialog.state_ = response.status() >= 200 ? DialogState::confirmed : DialogState::early;
  dialog.local_ = std::move(*local);
  dialog.remote_ = std::move(*remote);
  dialog.route_set_ = record_routes(response);
  std::reverse(dialog.route_set_.begin(), dialog.route_set_.end());  // §12.1.2
  dialog.remote_target_ = std::move(*target);
  dialog.local_contact_ = std::move(*our_contact);
  dialog.local_seq_ = cseq->number;
  dialog.invite_seq_ = cseq->number;
  return dialog;
}

Result<Dialog> Dialog::create_uas(const Message& invite, std::string local_tag,
                                  std::string local_contact) {
  if (local_tag.empty()) return fail("a UAS dialog needs a local tag");
  auto remote = parse_name_addr(invite.header("From").value_or(""));
  auto local = parse_name_addr(invite.header("To").value_or(""));
  auto call_id = invite.header("Call-ID");
  auto target = contact_uri(invite);
  auto cseq = cseq_of(invite);
  if (!remote || !local || !call_id)
    return fail("unusable From/To/Call-ID building a dialog from " + invite.summary());
  if (!target) return fail(target.error().message);
  if (!cseq) return fail(cseq.error().message);

  Dialog dialog;
  dialog.id_ = DialogId{std::string(*call_id), local_tag, remote->tag()};
  local->params.set("tag", std::move(local_tag));
  dialog.local_ = std::move(*local);
  dialog.remote_ = std::move(*remote);
  dialog.route_set_ = record_routes(invite);  // §12.1.1: in order
  dialog.remote_target_ = std::move(*target);
  dialog.local_contact_ = std::move(local_contact);
  dialog.remote_seq_ = cseq->number;
  return dialog;
}

Message Dialog::base_request(std::string_view method, std::uint32_t cseq) const {
  const bool strict = !route_set_.empty() && !is_loose(route_set_.front());
  Message request = Message::request(
      std::string(method), strict ? as_request_uri(route_uri(route_set_.front())) : remote_target_);
  // Strict routing (§12.2.1.1): the first route moved to the Request-URI, the remote target
  // appended as the last Route so the strict router can restore it.
  for (std::size_t i = strict ? 1 : 0; i < route_set_.size(); ++i)
    request.add("Route", route_set_[i]);
  if (strict) request.add("Route", "<" + remote_target_ + ">");
  request.add("Max-Forwards", "70");
  request.add("From", local_.to_string());
  request.add("To", remote_.to_string());
  request.add("Call-ID", id_.call_id);
  request.add("CSeq", CSeq{cseq, std::string(method)}.to_string());
  if (is_target_refresh(method)) request.add("Contact", "<" + local_contact_ + ">");
  return request;
}

Message Dialog::make_request(std::string_view method) {
  std::uint32_t cseq = 0;
  if (method == "ACK") {
    cseq = invite_seq_;
  } else if (method == "CANCEL") {
    cseq = local_seq_.value_or(1);
  } else {
    // §12.2.1.1: a UAS dialog starts with an empty local sequence; any value below 2**31 will
    // do, and 1 keeps traces readable.
    cseq = local_seq_ ? *local_seq_ + 1 : 1;
    local_seq_ = cseq;
    if (method == "INVITE") invite_seq_ = cseq;
  }
  if (method == "BYE") state_ = DialogState::terminated;
  return base_request(method, cseq);
}

Message Dialog::make_ack(const Message& response_2xx) const {
  auto cseq = cseq_of(response_2xx);
  return base_request("ACK", cseq ? cseq->number : invite_seq_);
}

std::string Dialog::next_hop() const {
  return route_set_.empty() ? remote_target_ : route_uri(route_set_.front());
}

Result<void> Dialog::on_request(const Message& request) {
  if (dialog_id_of_request(request) != id_)
    return fail(request.summary() + " does not belong to dialog " + id_.call_id);
  auto cseq = cseq_of(request);
  if (!cseq) return fail(cseq.error().message);
  if (remote_seq_ && cseq->number < *remote_seq_)
    return fail("out of order: CSeq " + std::to_string(cseq->number) +
                " is lower than the remote sequence number " + std::to_string(*remote_seq_));
  // ACK and CANCEL reuse the INVITE's number; they neither advance nor refresh anything.
  if (request.method() == "ACK" || request.method() == "CANCEL") return {};
  remote_seq_ = cseq->number;
  if (is_target_refresh(request.method()) && request.has("Contact")) {
    auto target = contact_uri(request);
    if (!target) return fail(target.error().message);
    remote_target_ = std::move(*target);
  }
  if (request.method() == "BYE") state_ = DialogState::terminated;
  return {};
}

Result<void> Dialog::on_response(const Message& response) {
  if (dialog_id_of_response(response) != id_)
    return fail(response.summary() + " does not belong to dialog " + id_.call_id);
  auto cseq = cseq_of(response);
  if (!cseq) return fail(cseq.error().message);
  const int status = response.status();
  if (status == 481 || status == 408) {  // §12.2.1.2: the peer has lost the dialog
    state_ = DialogState::terminated;
    return {};
  }
  const bool invite = cseq->method == "INVITE";
  if (invite && status >= 300 && state_ == DialogState::early && cseq->number == invite_seq_) {
    state_ = DialogState::terminated;  // the INVITE that created this early dialog failed
    return {};
  }
  if (status >= 300 || status <= 100) return {};
  if (invite && status >= 200 && uac_ && state_ == DialogState::early) {
    state_ = DialogState::confirmed;
    route_set_ = record_routes(response);  // §13.2.2.4: recomputed from the 2xx
    std::reverse(route_set_.begin(), route_set_.end());
  }
  if (is_target_refresh(cseq->method) && response.has("Contact")) {
    auto target = contact_uri(response);
    if (!target) return fail(target.error().message);
    remote_target_ = std::move(*target);
  }
  return {};
}

}  // namespace sipref::sip

std::size_t std::hash<sipref::sip::DialogId>::operator()(
    const sipref::sip::DialogId& id) const noexcept {
  std::hash<std::string> h;
  std::size_t seed = h(id.call_id);
  for (const auto* part : {&id.local_tag, &id.remote_tag})
    seed ^= h(*part) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
  return seed;
}
