#include "util/json.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "util/utf8.h"

namespace sipconform {
namespace {

void append_quoted(std::string& out, std::string_view text) {
  out += '"';
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    switch (c) {
      case '"':
        out += "\\\"";
        ++i;
        continue;
      case '\\':
        out += "\\\\";
        ++i;
        continue;
      case '\b':
        out += "\\b";
        ++i;
        continue;
      case '\f':
        out += "\\f";
        ++i;
        continue;
      case '\n':
        out += "\\n";
        ++i;
        continue;
      case '\r':
        out += "\\r";
        ++i;
        continue;
      case '\t':
        out += "\\t";
        ++i;
        continue;
      default:
        break;
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(c));
      out += escape;
      ++i;
      continue;
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += kReplacementCharacter;  // raw, not \ufffd: a re-render is then byte-identical
      ++i;
    } else {
      out.append(text.substr(i, length));
      i += length;
    }
  }
  out += '"';
}

void append_double(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";  // JSON has no NaN or infinity
    return;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  // Keep doubles recognisable as such when they happen to be whole.
  if (text.find_first_of(".eE") == std::string_view::npos) out += ".0";
}

void newline(std::string& out, int indent, int depth) {
  if (indent <= 0) return;
  out += '\n';
  out.append(static_cast<std::size_t>(indent * depth), ' ');
}

void dump_to(const Json& value, std::string& out, int indent, int depth);

void dump_array(const Json::Array& array, std::string& out, int indent, int depth) {
  if (array.empty()) {
    out += "[]";
    return;
  }
  out += '[';
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (i) out += ',';
    newline(out, indent, depth + 1);
    dump_to(array[i], out, indent, depth + 1);
  }
  newline(out, indent, depth);
  out += ']';
}

void dump_object(const Json::Object& object, std::string& out, int indent, int depth) {
  if (object.empty()) {
    out += "{}";
    return;
  }
  out += '{';
  for (std::size_t i = 0; i < object.size(); ++i) {
    if (i) out += ',';
    newline(out, indent, depth + 1);
    append_quoted(out, object[i].first);
    out += indent > 0 ? ": " : ":";
    dump_to(object[i].second, out, indent, depth + 1);
  }
  newline(out, indent, depth);
  out += '}';
}

void dump_to(const Json& value, std::string& out, int indent, int depth) {
  switch (value.type()) {
    case Json::Type::null:
      out += "null";
      break;
    case Json::Type::boolean:
      out += value.as_bool() ? "true" : "false";
      break;
    case Json::Type::integer:
      out += std::to_string(value.as_int());
      break;
    case Json::Type::number:
      append_double(out, value.as_double());
      break;
    case Json::Type::string:
      append_quoted(out, value.as_string());
      break;
    case Json::Type::array:
      dump_array(value.as_array(), out, indent, depth);
      break;
    case Json::Type::object:
      dump_object(value.as_object(), out, indent, depth);
      break;
  }
}

constexpr int kMaxDepth = 256;

// Recursive descent over RFC 8259; positions are tracked for error messages only.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<Json> document() {
    skip_space();
    auto value = parse_value(0);
    if (!value) return value;
    skip_space();
    if (at_ < text_.size()) return error("unexpected text after the JSON value");
    return value;
  }

 private:
  std::unexpected<Error> error(std::string_view what) const {
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < at_ && i < text_.size(); ++i) {
      if (text_[i] == '\n')
        ++line, column = 1;
      else
        ++column;
    }
    return fail("line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                std::string(what));
  }

  void skip_space() {
    while (at_ < text_.size() &&
           (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
      ++at_;
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  Result<Json> parse_value(int depth) {
    if (at_ >= text_.size()) return error("unexpected end of input, expected a value");
    const char c = text_[at_];
    if (c == '{' || c == '[') {
      if (depth >= kMaxDepth) return error("nesting deeper than 256 levels");
      return c == '{' ? parse_object(depth + 1) : parse_array(depth + 1);
    }
    if (c == '"') {
      auto text = parse_string();
      if (!text) return std::unexpected(text.error());
      return Json(std::move(*text));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number();
    if (literal("true")) return Json(true);
    if (literal("false")) return Json(false);
    if (literal("null")) return Json(nullptr);
    return error(std::string("unexpected character '") + c + "', expected a value");
  }

  Result<Json> parse_object(int depth) {
    ++at_;  // '{'
    Json object = Json::object();
    skip_space();
    if (at_ < text_.size() && text_[at_] == '}') return ++at_, object;
    while (true) {
      skip_space();
      if (at_ >= text_.size() || text_[at_] != '"') return error("expected a string as object key");
      auto key = parse_string();
      if (!key) return std::unexpected(key.error());
      skip_space();
      if (at_ >= text_.size() || text_[at_] != ':') return error("expected ':' after object key");
      ++at_;
      skip_space();
      auto value = parse_value(depth);
      if (!value) return value;
      object.as_object().emplace_back(std::move(*key), std::move(*value));
      skip_space();
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < text_.size() && text_[at_] == '}') return ++at_, object;
      return error("expected ',' or '}' in object");
    }
  }

  Result<Json> parse_array(int depth) {
    ++at_;  // '['
    Json array = Json::array();
    skip_space();
    if (at_ < text_.size() && text_[at_] == ']') return ++at_, array;
    while (true) {
      skip_space();
      auto value = parse_value(depth);
      if (!value) return value;
      array.push_back(std::move(*value));
      skip_space();
      if (at_ < text_.size() && text_[at_] == ',') {
        ++at_;
        continue;
      }
      if (at_ < text_.size() && text_[at_] == ']') return ++at_, array;
      return error("expected ',' or ']' in array");
    }
  }

  Result<Json> parse_number() {
    const std::size_t start = at_;
    bool fraction = false;
    if (text_[at_] == '-') ++at_;
    if (at_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[at_])))
      return error("expected a digit");
    if (text_[at_] == '0')
      ++at_;
    else
      skip_digits();
    if (at_ < text_.size() && text_[at_] == '.') {
      ++at_, fraction = true;
      if (skip_digits() == 0) return error("expected a digit after '.'");
    }
    if (at_ < text_.size() && (text_[at_] == 'e' || text_[at_] == 'E')) {
      ++at_, fraction = true;
      if (at_ < text_.size() && (text_[at_] == '+' || text_[at_] == '-')) ++at_;
      if (skip_digits() == 0) return error("expected a digit in the exponent");
    }
    const char* first = text_.data() + start;
    const char* last = text_.data() + at_;
    if (!fraction) {
      std::int64_t integer = 0;
      if (auto [end, ec] = std::from_chars(first, last, integer); ec == std::errc() && end == last)
        return Json(integer);
    }
    double number = 0;  // also integers beyond int64
    auto [end, ec] = std::from_chars(first, last, number);
    if (ec != std::errc() || end != last) {
      at_ = start;
      return error("number out of range");
    }
    return Json(number);
  }

  std::size_t skip_digits() {
    const std::size_t start = at_;
    while (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) ++at_;
    return at_ - start;
  }

  Result<unsigned> parse_hex4() {
    if (at_ + 4 > text_.size()) return error("truncated \\u escape");
    unsigned code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      code <<= 4;
      if (c >= '0' && c <= '9')
        code |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        code |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        code |= static_cast<unsigned>(c - 'A' + 10);
      else
        return --at_, error("bad hex digit in \\u escape");
    }
    return code;
  }

  static void append_utf8(std::string& out, unsigned code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }

  // \uXXXX, joining a UTF-16 surrogate pair; a lone surrogate becomes U+FFFD.
  Result<void> parse_unicode_escape(std::string& out) {
    auto code = parse_hex4();
    if (!code) return std::unexpected(code.error());
    unsigned value = *code;
    if (value >= 0xD800 && value <= 0xDBFF && text_.substr(at_, 2) == "\\u") {
      const std::size_t before = at_;
      at_ += 2;
      auto low = parse_hex4();
      if (!low) return std::unexpected(low.error());
      if (*low >= 0xDC00 && *low <= 0xDFFF)
        value = 0x10000 + ((value - 0xD800) << 10) + (*low - 0xDC00);
      else
        at_ = before;  // not a pair: read the second escape on its own
    }
    if (value >= 0xD800 && value <= 0xDFFF) value = 0xFFFD;
    append_utf8(out, value);
    return {};
  }

  Result<std::string> parse_string() {
    ++at_;  // '"'
    std::string out;
    while (true) {
      if (at_ >= text_.size()) return error("unterminated string");
      const char c = text_[at_];
      if (c == '"') {
        ++at_;
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) return error("control character in string");
      if (c != '\\') {
        out += c;
        ++at_;
        continue;
      }
      if (++at_ >= text_.size()) return error("unterminated escape");
      const char e = text_[at_++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u':
          if (auto ok = parse_unicode_escape(out); !ok) return std::unexpected(ok.error());
          break;
        default:
          return --at_, error(std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::int64_t Json::as_int() const {
  if (const auto* value = std::get_if<double>(&value_)) return static_cast<std::int64_t>(*value);
  return std::get<std::int64_t>(value_);
}

double Json::as_double() const {
  if (const auto* value = std::get_if<std::int64_t>(&value_)) return static_cast<double>(*value);
  return std::get<double>(value_);
}

Json& Json::set(std::string key, Json value) {
  auto& object = as_object();
  for (auto& [name, existing] : object) {
    if (name == key) {
      existing = std::move(value);
      return *this;
    }
  }
  object.emplace_back(std::move(key), std::move(value));
  return *this;
}

const Json* Json::find(std::string_view key) const {
  if (!is_object()) return nullptr;
  for (const auto& [name, value] : as_object())
    if (name == key) return &value;
  return nullptr;
}

std::string Json::dump(int indent) const {
  std::string out;
  dump_to(*this, out, indent, 0);
  return out;
}

Result<Json> parse_json(std::string_view text) {
  return Parser(text).document();
}

std::string json_quote(std::string_view text) {
  std::string out;
  append_quoted(out, text);
  return out;
}

}  // namespace sipconform
