#include "cases/catalogue.h"

#include <regex>
#include <set>

#include "cases/yaml_reader.h"

namespace sipconform {

namespace {

Result<Behaviour> read_behaviour(const YamlReader& r, const YAML::Node& node) {
  auto fields = r.fields(node, "a behaviour", {"id", "level", "section", "text", "source"},
                         {"id", "level", "section", "text", "source"});
  if (!fields) return std::unexpected(fields.error());
  Behaviour out;
  out.where = r.at(node);
  auto id = r.non_empty_text(node["id"], "id");
  if (!id) return std::unexpected(id.error());
  static const std::regex pattern("[a-z]+(\\.[a-z0-9][a-z0-9-]*)+");
  if (!std::regex_match(*id, pattern))
    return r.error(node["id"], "'" + *id + "' is not a behaviour ID (section.name)");
  out.id = *id;
  auto level = r.choice(node["level"], "level", {"doc", "ref"});
  if (!level) return std::unexpected(level.error());
  out.level = *level == "doc" ? Level::doc : Level::ref;
  auto section = r.non_empty_text(node["section"], "section");
  if (!section) return std::unexpected(section.error());
  // The section is the ID's first word: coverage and case folders group by it.
  if (*section != out.id.substr(0, out.id.find('.'))) {
    return r.error(node["section"], "section '" + *section + "' does not match the ID " + out.id);
  }
  out.section = *section;
  auto text = r.non_empty_text(node["text"], "text");
  if (!text) return std::unexpected(text.error());
  out.text = *text;
  auto source = r.non_empty_text(node["source"], "source");
  if (!source) return std::unexpected(source.error());
  out.source = *source;
  return out;
}

}  // namespace

const Behaviour* Catalogue::find(std::string_view id) const {
  for (const auto& behaviour : behaviours) {
    if (behaviour.id == id) return &behaviour;
  }
  return nullptr;
}

Result<Catalogue> load_catalogue(const std::string& path) {
  auto document = load_yaml_document(path);
  if (!document) return std::unexpected(document.error());
  try {
    const YamlReader r(path);
    auto fields = r.fields(*document, "the catalogue", {"behaviours"}, {"behaviours"});
    if (!fields) return std::unexpected(fields.error());
    auto items = r.sequence((*document)["behaviours"], "behaviours");
    if (!items) return std::unexpected(items.error());
    Catalogue catalogue;
    std::set<std::string> seen;
    for (const auto& item : *items) {
      auto behaviour = read_behaviour(r, item);
      if (!behaviour) return std::unexpected(behaviour.error());
      if (!seen.insert(behaviour->id).second)
        return r.error(item["id"], "duplicate behaviour ID " + behaviour->id);
      catalogue.behaviours.push_back(std::move(*behaviour));
    }
    if (catalogue.behaviours.empty())
      return r.error((*document)["behaviours"], "the catalogue lists no behaviours");
    return catalogue;
  } catch (const std::exception& e) {
    return fail(path + ": " + e.what());
  }
}

}  // namespace sipconform
