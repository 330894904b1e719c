// A small JSON value, writer and parser for the harness's own files (results.json, verdict.json):
// objects keep insertion order so that output is stable and diffable; no third-party library.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "util/error.h"

namespace sipconform {

class Json {
 public:
  using Array = std::vector<Json>;
  // A vector, not a map: the writer must reproduce the order the renderer chose.
  using Object = std::vector<std::pair<std::string, Json>>;
  enum class Type { null, boolean, integer, number, string, array, object };

  Json() = default;
  Json(std::nullptr_t) {}
  Json(bool value) : value_(value) {}
  Json(int value) : value_(std::int64_t{value}) {}
  Json(std::int64_t value) : value_(value) {}
  Json(std::size_t value) : value_(static_cast<std::int64_t>(value)) {}
  Json(double value) : value_(value) {}
  Json(std::string value) : value_(std::move(value)) {}
  Json(std::string_view value) : value_(std::string(value)) {}
  Json(const char* value) : value_(std::string(value)) {}
  Json(Array value) : value_(std::move(value)) {}
  Json(Object value) : value_(std::move(value)) {}
  static Json array() { return Json(Array{}); }
  static Json object() { return Json(Object{}); }

  Type type() const { return static_cast<Type>(value_.index()); }
  bool is_null() const { return type() == Type::null; }
  bool is_bool() const { return type() == Type::boolean; }
  bool is_number() const { return type() == Type::integer || type() == Type::number; }
  bool is_integer() const { return type() == Type::integer; }
  bool is_string() const { return type() == Type::string; }
  bool is_array() const { return type() == Type::array; }
  bool is_object() const { return type() == Type::object; }

  // Accessors have the type as a precondition (check with is_*); they throw std::bad_variant_access
  // otherwise, which is a harness bug rather than bad input.
  bool as_bool() const { return std::get<bool>(value_); }
  std::int64_t as_int() const;  // a number with no fraction; doubles are truncated
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Array& as_array() const { return std::get<Array>(value_); }
  Array& as_array() { return std::get<Array>(value_); }
  const Object& as_object() const { return std::get<Object>(value_); }
  Object& as_object() { return std::get<Object>(value_); }

  // Objects: replaces the value of an existing key in place, else appends. Returns *this.
  Json& set(std::string key, Json value);
  // Objects: the first value under `key`, or nullptr (also when this is not an object).
  const Json* find(std::string_view key) const;
  // Arrays: appends.
  void push_back(Json value) { as_array().push_back(std::move(value)); }

  // indent 0: one line; otherwise pretty-printed with that many spaces per level. Doubles are
  // written in their shortest form that reads back to the same value.
  std::string dump(int indent = 2) const;

  friend bool operator==(const Json&, const Json&) = default;

 private:
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> value_{
      nullptr};
};

// RFC 8259 text to a value. Errors say "line L, column C: what"; nesting deeper than 256 levels
// is refused (results.json never needs it and the limit keeps the parser's stack bounded).
Result<Json> parse_json(std::string_view text);

// `text` as a JSON string literal, quotes included (RFC 8259 escapes; UTF-8 passed through).
std::string json_quote(std::string_view text);

}  // namespace sipconform
