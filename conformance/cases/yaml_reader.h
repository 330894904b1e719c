// Strict reading of the harness's own YAML files (cases, catalogue): every value is checked for
// its type and every map for unknown, duplicate and missing keys, with errors at file:line:column.
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case.h"
#include "util/error.h"

namespace sipconform {

struct YamlEntry {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// Reads nodes of one file. `what` names the value in messages ("timeout", "party 'callee'").
class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  // 1-based position of the node (yaml-cpp's marks are 0-based); the file alone when unknown.
  Location at(const YAML::Node& node) const;
  std::unexpected<Error> error(const YAML::Node& node, std::string_view message) const;

  // A map's entries in document order; keys must be unique scalars.
  Result<std::vector<YamlEntry>> entries(const YAML::Node& map, std::string_view what) const;
  // As entries(), and every key must be one of `allowed` and each of `required` present.
  Result<std::vector<YamlEntry>> fields(const YAML::Node& map, std::string_view what,
                                        std::initializer_list<std::string_view> allowed,
                                        std::initializer_list<std::string_view> required) const;
  Result<std::vector<YAML::Node>> sequence(const YAML::Node& node, std::string_view what) const;

  Result<std::string> text(const YAML::Node& node, std::string_view what) const;
  Result<std::string> non_empty_text(const YAML::Node& node, std::string_view what) const;
  Result<std::string> choice(const YAML::Node& node, std::string_view what,
                             std::initializer_list<std::string_view> values) const;
  Result<int> integer(const YAML::Node& node, std::string_view what, int min, int max) const;
  Result<double> number(const YAML::Node& node, std::string_view what, double min,
                        double max) const;
  // Only `true` and `false`: yaml-cpp's yes/no/on/off are easy to write by accident.
  Result<bool> boolean(const YAML::Node& node, std::string_view what) const;

 private:
  std::string file_;
};

// The file's single YAML document. yaml-cpp's exceptions (bad syntax, unreadable file) become
// errors here; an empty file or a second document is an error too.
Result<YAML::Node> load_yaml_document(const std::string& path);

}  // namespace sipconform
