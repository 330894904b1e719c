// Dotted paths into JSON answers ("calls.0.sid": objects by key, arrays by index), the text a
// check compares a member by, and the flattening of a document into path -> text pairs.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/json.h"

namespace sipconform {

// The member at `path`, or nullptr when a segment names no member (or indexes past an array).
// An empty path is the document itself.
const Json* json_at(const Json& document, std::string_view path);

// A string as its text; any other value as compact JSON ("201", "true", "null", "{\"a\":1}").
std::string json_text(const Json& value);

// Every scalar of `document` as (dotted path, json_text), in document order: what later steps
// and expectations may name as {{api:NAME.<path>}}.
std::vector<std::pair<std::string, std::string>> flatten_json(const Json& document);

}  // namespace sipconform
