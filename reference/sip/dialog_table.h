// The UA core's dialogs by DialogId (RFC 3261 §12.2.2): what an incoming request or response
// belongs to, and the 481 for a request that names a dialog we do not have.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <utility>

#include "sip/dialog.h"
#include "sip/message.h"

namespace sipref::sip {

// T is whatever the UA core keeps per dialog (a Dialog, or a call leg holding one).
template <class T>
class DialogTable {
 public:
  // False (and nothing changes) when the id is already taken.
  bool insert(DialogId id, T value) {
    return map_.try_emplace(std::move(id), std::move(value)).second;
  }
  bool erase(const DialogId& id) { return map_.erase(id) > 0; }
  std::size_t size() const { return map_.size(); }

  T* find(const DialogId& id) {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  const T* find(const DialogId& id) const {
    auto it = map_.find(id);
    return it == map_.end() ? nullptr : &it->second;
  }
  T* find_for_request(const Message& request) {
    auto id = dialog_id_of_request(request);
    return id ? find(*id) : nullptr;
  }
  T* find_for_response(const Message& response) {
    auto id = dialog_id_of_response(response);
    return id ? find(*id) : nullptr;
  }

  // §12.2.2: a request with a To tag names a dialog; when we have none it gets 481. ACK is
  // never answered (a stray one is dropped) and CANCEL is matched to its INVITE's transaction,
  // not to a dialog, so neither of them qualifies.
  bool needs_481(const Message& request) const {
    if (request.method() == "ACK" || request.method() == "CANCEL") return false;
    auto id = dialog_id_of_request(request);
    return id && !find(*id);
  }

 private:
  std::unordered_map<DialogId, T> map_;
};

}  // namespace sipref::sip
