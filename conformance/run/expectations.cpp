#include "run/expectations.h"

#include <yaml-cpp/yaml.h>

namespace sipconform {
namespace {

std::string where(const std::string& path, const YAML::Node& node) {
  const auto mark = node.Mark();
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

Result<KnownFailures> load_known_failures(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return fail(path + ": cannot read the expectations file");
  } catch (const YAML::Exception& e) {
    return fail(path + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (!root.IsMap()) return fail(where(path, root) + ": expected a map with target and known_failures");
  KnownFailures known;
  for (const auto& entry : root) {
    const std::string key = entry.first.as<std::string>();
    if (key == "target" && entry.second.IsScalar()) {
      known.target = entry.second.as<std::string>();
    } else if (key == "known_failures" && (entry.second.IsSequence() || entry.second.IsNull())) {
      for (const auto& item : entry.second) {
        if (!item.IsMap() || !item["case"] || !item["case"].IsScalar())
          return fail(where(path, item) + ": each known failure needs `case: <case id>` and `reason: <text>`");
        for (const auto& field : item) {
          const std::string name = field.first.as<std::string>();
          if (name != "case" && name != "reason") return fail(where(path, field.first) + ": unknown key '" + name + "'");
        }
        known.cases[item["case"].as<std::string>()] = item["reason"] ? item["reason"].as<std::string>() : "";
      }
    } else {
      return fail(where(path, entry.first) + ": unknown key '" + key + "' (expected target, known_failures)");
    }
  }
  return known;
}

}  // namespace sipconform
