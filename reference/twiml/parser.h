// TwiML parsing and schema validation (pugixml): a body becomes a Document once, with every
// schema problem as a warning and only unusable XML as an error [twiml.parse, twiml.schema].
#pragma once

#include <expected>
#include <string_view>

#include "twiml/document.h"
#include "util/alert.h"

namespace sipref::twiml {

// Errors (a fetch failure): 12100 when the body is not well-formed XML, 12102 when the root is
// not <Response>. Everything else is a warning in Document::warnings: an unknown or misplaced
// element is skipped with its children (12200), an unknown attribute ignored (12200), a bad
// attribute value replaced by the default (12200, or 13210/13221/13241 for the method of
// <Dial>/<Number>/<Sip>). Element and attribute names are case-sensitive, as in TwiML.
std::expected<Document, Alert> parse_twiml(std::string_view xml);

}  // namespace sipref::twiml
