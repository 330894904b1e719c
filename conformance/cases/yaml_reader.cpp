#include "cases/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>

namespace sipconform {

namespace {

std::string join(std::initializer_list<std::string_view> words, std::string_view separator) {
  std::string out;
  for (const auto word : words) {
    if (!out.empty()) out += separator;
    out += word;
  }
  return out;
}

std::string_view kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

}  // namespace

std::string Location::to_string() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

Location YamlReader::at(const YAML::Node& node) const {
  Location location{file_, 0, 0};
  if (!node.IsDefined()) return location;
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return location;
  location.line = mark.line + 1;
  location.column = mark.column + 1;
  return location;
}

std::unexpected<Error> YamlReader::error(const YAML::Node& node, std::string_view message) const {
  return fail(at(node).to_string() + ": " + std::string(message));
}

Result<std::vector<YamlEntry>> YamlReader::entries(const YAML::Node& map,
                                                   std::string_view what) const {
  if (!map.IsMap()) {
    return error(map, std::string(what) + " must be a map, not " + std::string(kind_name(map)));
  }
  std::vector<YamlEntry> out;
  std::set<std::string> seen;
  for (const auto& pair : map) {
    if (!pair.first.IsScalar())
      return error(pair.first, "keys of " + std::string(what) + " must be text");
    const std::string& key = pair.first.Scalar();
    if (!seen.insert(key).second) {
      return error(pair.first, "duplicate key '" + key + "' in " + std::string(what));
    }
    out.push_back(YamlEntry{key, pair.first, pair.second});
  }
  return out;
}

Result<std::vector<YamlEntry>> YamlReader::fields(
    const YAML::Node& map, std::string_view what, std::initializer_list<std::string_view> allowed,
    std::initializer_list<std::string_view> required) const {
  auto found = entries(map, what);
  if (!found) return found;
  for (const auto& entry : *found) {
    if (std::find(allowed.begin(), allowed.end(), entry.key) == allowed.end()) {
      return error(entry.key_node, "unknown key '" + entry.key + "' in " + std::string(what) +
                                       " (allowed: " + join(allowed, ", ") + ")");
    }
  }
  for (const auto key : required) {
    const bool present = std::any_of(found->begin(), found->end(),
                                     [&](const YamlEntry& entry) { return entry.key == key; });
    if (!present)
      return error(map,
                   std::string(what) + " is missing the required key '" + std::string(key) + "'");
  }
  return found;
}

Result<std::vector<YAML::Node>> YamlReader::sequence(const YAML::Node& node,
                                                     std::string_view what) const {
  if (!node.IsSequence()) {
    return error(node, std::string(what) + " must be a list, not " + std::string(kind_name(node)));
  }
  std::vector<YAML::Node> out;
  for (const auto& item : node) out.push_back(item);
  return out;
}

Result<std::string> YamlReader::text(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) {
    return error(node, std::string(what) + " must be text, not " + std::string(kind_name(node)));
  }
  return node.Scalar();
}

Result<std::string> YamlReader::non_empty_text(const YAML::Node& node,
                                               std::string_view what) const {
  auto value = text(node, what);
  if (value && value->empty()) return error(node, std::string(what) + " must not be empty");
  return value;
}

Result<std::string> YamlReader::choice(const YAML::Node& node, std::string_view what,
                                       std::initializer_list<std::string_view> values) const {
  auto value = text(node, what);
  if (!value) return value;
  if (std::find(values.begin(), values.end(), *value) == values.end()) {
    return error(node, "bad value '" + *value + "' for " + std::string(what) + ": expected " +
                           join(values, " or "));
  }
  return value;
}

Result<int> YamlReader::integer(const YAML::Node& node, std::string_view what, int min,
                                int max) const {
  const std::string expected = std::string(what) + " must be a whole number from " +
                               std::to_string(min) + " to " + std::to_string(max);
  if (!node.IsScalar()) return error(node, expected + ", not " + std::string(kind_name(node)));
  const std::string& raw = node.Scalar();
  int value = 0;
  const auto [end, code] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (code != std::errc{} || end != raw.data() + raw.size() || value < min || value > max) {
    return error(node, expected + ", not '" + raw + "'");
  }
  return value;
}

Result<double> YamlReader::number(const YAML::Node& node, std::string_view what, double min,
                                  double max) const {
  auto format = [](double v) {
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.') s.pop_back();
    return s;
  };
  const std::string expected =
      std::string(what) + " must be a number from " + format(min) + " to " + format(max);
  if (!node.IsScalar()) return error(node, expected + ", not " + std::string(kind_name(node)));
  const std::string& raw = node.Scalar();
  double value = 0;
  const auto [end, code] = std::from_chars(raw.data(), raw.data() + raw.size(), value);
  if (code != std::errc{} || end != raw.data() + raw.size() || value < min || value > max) {
    return error(node, expected + ", not '" + raw + "'");
  }
  return value;
}

Result<bool> YamlReader::boolean(const YAML::Node& node, std::string_view what) const {
  if (node.IsScalar() && node.Scalar() == "true") return true;
  if (node.IsScalar() && node.Scalar() == "false") return false;
  const std::string seen =
      node.IsScalar() ? "'" + node.Scalar() + "'" : std::string(kind_name(node));
  return error(node, std::string(what) + " must be true or false, not " + seen);
}

Result<YAML::Node> load_yaml_document(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(path + ": cannot read the file");
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(in);
    if (documents.empty() || documents.front().IsNull())
      return fail(path + ":1:1: the file holds no YAML document");
    if (documents.size() > 1) {
      return YamlReader(path).error(documents[1], "only one YAML document per file is allowed");
    }
    return documents.front();
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return fail(path + ": " + e.msg);
    return fail(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                std::to_string(e.mark.column + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return fail(path + ": " + e.what());
  }
}

}  // namespace sipconform
