#include "report/markup.h"

#include <cstdio>

#include "util/utf8.h"

namespace sipconform::report {

std::string xml_escape(std::string_view text, bool attribute) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    std::string_view replacement;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\'':
        replacement = "&#39;";
        break;
      case '\n':
        replacement = attribute ? "&#10;" : "\n";
        break;
      case '\r':
        replacement = attribute ? "&#13;" : "\r";
        break;
      case '\t':
        replacement = attribute ? "&#9;" : "\t";
        break;
      default:
        break;
    }
    if (!replacement.empty()) {
      out += replacement;
      ++i;
      continue;
    }
    const std::size_t length = byte < 0x20 ? 0 : utf8_sequence_length(text, i);
    if (length == 0) {
      out += kReplacementCharacter;
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

std::string fixed3(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3f", value < 0 ? 0.0 : value);
  return text;
}

std::string case_anchor(std::string_view case_id) {
  std::string anchor = "case-";
  for (char c : case_id) {
    if (c == '/')
      anchor += "__";
    else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '_' || c == '.')
      anchor += c;
    else
      anchor += '_';
  }
  return anchor;
}

std::string section_of(std::string_view case_id) {
  const auto slash = case_id.find('/');
  return std::string(slash == std::string_view::npos ? case_id : case_id.substr(0, slash));
}

std::string expected_actual(const CheckResult& check) {
  return "Expected: " + check.expected + " / Actual: " + check.observed;
}

}  // namespace sipconform::report
