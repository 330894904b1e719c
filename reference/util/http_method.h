// The two HTTP methods a webhook may use (GET or POST), shared by config, TwiML and the webhook
// client so that a method read from either source reaches the client without conversion.
#pragma once

#include <optional>
#include <string_view>

namespace sipref {

enum class HttpMethod { get, post };

inline std::string_view to_string(HttpMethod method) {
  return method == HttpMethod::get ? "GET" : "POST";
}

// "GET"/"POST" in any letter case; nullopt for anything else (the caller decides the alert).
inline std::optional<HttpMethod> parse_http_method(std::string_view text) {
  auto equals = [&](std::string_view word) {
    if (text.size() != word.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (c != word[i]) return false;
    }
    return true;
  };
  if (equals("GET")) return HttpMethod::get;
  if (equals("POST")) return HttpMethod::post;
  return std::nullopt;
}

}  // namespace sipref
