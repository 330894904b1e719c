// Matching selectors (cases/selector.h) against a case's timeline: order and wire checks use the
// first or every event a selector names.
#pragma once

#include <optional>
#include <vector>

#include "cases/selector.h"
#include "check/timeline.h"

namespace sipconform {

bool matches(const Selector& selector, const Event& event);
std::optional<std::size_t> first_match(const Selector& selector, const Timeline& timeline);
std::vector<std::size_t> all_matches(const Selector& selector, const Timeline& timeline);

}  // namespace sipconform
