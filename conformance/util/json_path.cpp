// Dotted paths into JSON documents: lookup, comparison text and flattening (util/json_path.h).
#include "util/json_path.h"

#include <algorithm>
#include <charconv>

namespace sipconform {
namespace {

// An array segment is a decimal index ("0", "12"); anything else names no element.
const Json* element(const Json& array, std::string_view segment) {
  std::size_t index = 0;
  const auto [end, code] = std::from_chars(segment.data(), segment.data() + segment.size(), index);
  if (segment.empty() || code != std::errc{} || end != segment.data() + segment.size())
    return nullptr;
  const auto& items = array.as_array();
  return index < items.size() ? &items[index] : nullptr;
}

void flatten_into(const Json& value, const std::string& path,
                  std::vector<std::pair<std::string, std::string>>& out) {
  const auto child = [&](const std::string& key) { return path.empty() ? key : path + "." + key; };
  if (value.is_object()) {
    for (const auto& [key, member] : value.as_object()) flatten_into(member, child(key), out);
  } else if (value.is_array()) {
    const auto& items = value.as_array();
    for (std::size_t i = 0; i < items.size(); ++i)
      flatten_into(items[i], child(std::to_string(i)), out);
  } else if (!path.empty()) {
    out.emplace_back(path, json_text(value));
  }
}

}  // namespace

const Json* json_at(const Json& document, std::string_view path) {
  const Json* at = &document;
  if (path.empty()) return at;
  for (std::size_t from = 0; from <= path.size() && at != nullptr;) {
    const std::size_t dot = std::min(path.find('.', from), path.size());
    const std::string_view segment = path.substr(from, dot - from);
    at = at->is_array() ? element(*at, segment) : at->find(segment);  // find: nullptr on scalars
    from = dot + 1;
  }
  return at;
}

std::string json_text(const Json& value) {
  return value.is_string() ? value.as_string() : value.dump(0);
}

std::vector<std::pair<std::string, std::string>> flatten_json(const Json& document) {
  std::vector<std::pair<std::string, std::string>> out;
  flatten_into(document, "", out);
  return out;
}

}  // namespace sipconform
