// Webhook request parameters: an ordered list of name/value pairs (names may repeat, as
// StatusCallbackEvent does) and their application/x-www-form-urlencoded form.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.h"

namespace sipref::webhook {

struct Param {
  std::string name;
  std::string value;
  bool operator==(const Param&) const = default;
};

class Params {
 public:
  Params() = default;
  Params(std::initializer_list<Param> items) : items_(items) {}

  void add(std::string name, std::string value);
  // Replaces every value of `name` with one (appended when absent).
  void set(std::string_view name, std::string value);
  void append(const Params& other);

  std::optional<std::string_view> find(std::string_view name) const;  // the first value
  std::vector<std::string_view> find_all(std::string_view name) const;

  const std::vector<Param>& items() const { return items_; }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  bool operator==(const Params&) const = default;

 private:
  std::vector<Param> items_;
};

// "a=1&b=x+y": unreserved bytes (RFC 3986 ALPHA DIGIT - . _ ~) as they are, space as '+',
// every other byte as %XX.
std::string form_encode(const Params& params);
std::string form_encode_component(std::string_view text);
// The inverse: '+' is a space, %XX a byte; a '%' without two hex digits is an error.
Result<Params> form_decode(std::string_view body);
Result<std::string> form_decode_component(std::string_view text);

}  // namespace sipref::webhook
