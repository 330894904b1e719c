// The behaviour catalogue as data (fixtures/spec/behaviours.yaml): every behaviour ID with its
// level, our wording of it and its source, so lint and coverage can name what is untested.
#pragma once

#include <string>
#include <vector>

#include "cases/case.h"
#include "util/error.h"

namespace sipconform {

struct Behaviour {
  std::string id;       // "sip.headers.custom"
  Level level = Level::doc;
  std::string section;  // "sip"
  std::string text;     // in our own words
  std::string source;   // "seed 002", "Dial doc" …
  Location where;       // its entry in the catalogue file
};

struct Catalogue {
  std::vector<Behaviour> behaviours;
  const Behaviour* find(std::string_view id) const;
};

// Errors name file:line:column.
Result<Catalogue> load_catalogue(const std::string& path);

}  // namespace sipconform
