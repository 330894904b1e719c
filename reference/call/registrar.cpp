#include "call/registrar.h"
#include "util/deviations.h"

#include <algorithm>
#include <cctype>

#include "sip/headers.h"
#include "sip/message.h"
#include "sip/uri.h"

namespace sipref::call {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// RFC 3261 §20.19: a malformed expires value is taken as 3600, the same as none.
std::chrono::seconds expiry_of(const std::optional<std::string>& param,
                               const std::optional<std::string>& header) {
  const auto& text = param ? param : header;
  if (!text) return Registrar::kDefaultExpires;
  auto value = sip::parse_decimal(*text, 0xFFFFFFFFu);
  return value ? std::chrono::seconds(*value) : Registrar::kDefaultExpires;
}

// One Contact of the request once checked: the URI and the expiry asked for.
struct Change {
  std::string contact;
  std::chrono::seconds expires{0};
};

RegisterResult refuse(int status, std::string reason) {
  RegisterResult result;
  result.status = status;
  result.reason = std::move(reason);
  return result;
}

}  // namespace

std::string make_aor(std::string_view user, std::string_view domain) {
  return std::string(user) + "@" + lower(domain);
}

bool same_contact(std::string_view a, std::string_view b) {
  auto x = sip::parse_uri(a);
  auto y = sip::parse_uri(b);
  if (!x || !y) return a == b;
  auto param = [](const sip::Uri& uri, std::string_view name) {
    auto value = uri.parameter(name);
    return value ? std::optional<std::string>(lower(*value)) : std::nullopt;
  };
  for (std::string_view name : {"transport", "user", "maddr"})
    if (param(*x, name) != param(*y, name)) return false;
  return x->scheme == y->scheme && x->user == y->user && lower(x->host) == lower(y->host) &&
         x->port == y->port;
}

RegisterResult Registrar::update(const RegisterRequest& request, TimePoint now) {
  // Work on a copy: a refused request leaves the registrar as it was.
  auto found = bindings_.find(request.aor);
  std::vector<Binding> bindings = found == bindings_.end() ? std::vector<Binding>{} : found->second;
  std::erase_if(bindings, [&](const Binding& b) { return b.registration.expires <= now; });

  // Check every Contact before changing anything (RFC 3261 §10.3 steps 6-7).
  std::vector<Change> changes;
  const bool wildcard = std::ranges::find(request.contacts, "*") != request.contacts.end();
  if (wildcard) {
    if (request.contacts.size() != 1 || request.expires_header != "0")
      return refuse(400, "Contact * needs Expires: 0 and no other Contact");
    for (const auto& b : bindings) changes.push_back({b.registration.contact, {}});
  }
  for (const auto& value : wildcard ? std::vector<std::string>{} : request.contacts) {
    auto contact = sip::parse_name_addr(value);
    if (!contact) return refuse(400, "bad Contact '" + value + "': " + contact.error().message);
    if (auto valid = sip::validate_uri(contact->uri); !valid)
      return refuse(400, "bad Contact URI: " + valid.error().message);
    auto expires = expiry_of(contact->params.get("expires"), request.expires_header);
    if (expires.count() > 0 && expires < kMinExpires)
      return {423,
              "expiry " + std::to_string(expires.count()) + " s is below " +
                  std::to_string(kMinExpires.count()) + " s",
              static_cast<int>(kMinExpires.count()),
              {}};
    changes.push_back({contact->uri, deviates(Deviation::expiry_not_clamped) ? expires : std::min(expires, kMaxExpires)});
  }

  std::size_t after = bindings.size();
  for (const auto& change : changes) {
    auto it = std::ranges::find_if(bindings, [&](const Binding& b) {
      return same_contact(b.registration.contact, change.contact);
    });
    if (it != bindings.end() && it->call_id == request.call_id && it->cseq >= request.cseq)
      return refuse(500, "CSeq " + std::to_string(request.cseq) + " is not above " +
                             std::to_string(it->cseq) + " for this Call-ID");
    if (it == bindings.end() && change.expires.count() > 0) ++after;
    if (it != bindings.end() && change.expires.count() == 0) --after;
  }
  if (after > kMaxContacts)
    return refuse(403,
                  "at most " + std::to_string(kMaxContacts) + " contacts per address of record");

  for (const auto& change : changes) {
    auto it = std::ranges::find_if(bindings, [&](const Binding& b) {
      return same_contact(b.registration.contact, change.contact);
    });
    if (change.expires.count() == 0) {
      if (it != bindings.end()) bindings.erase(it);
      continue;
    }
    Binding fresh{{change.contact, request.flow, request.edge, now + change.expires},
                  request.call_id,
                  request.cseq};
    if (it != bindings.end())
      *it = std::move(fresh);
    else
      bindings.push_back(std::move(fresh));
  }

  RegisterResult result;
  for (const auto& b : bindings)
    result.bindings.emplace_back(
        b.registration.contact,
        std::chrono::duration_cast<std::chrono::seconds>(b.registration.expires - now).count());
  if (bindings.empty())
    bindings_.erase(request.aor);
  else
    bindings_.insert_or_assign(request.aor, std::move(bindings));
  return result;
}

std::vector<Registration> Registrar::contacts(std::string_view aor, TimePoint now) const {
  std::vector<Registration> live;
  auto it = bindings_.find(aor);
  if (it == bindings_.end()) return live;
  for (const auto& b : it->second)
    if (b.registration.expires > now) live.push_back(b.registration);
  return live;
}

}  // namespace sipref::call
