// Exact-length texts for boundary cases: "{{fill:N:c}}" in a served document becomes as many
// 'c' as make its segment exactly N characters, whatever length the party addresses have.
#pragma once

#include <string>

#include "util/error.h"

namespace sipconform {

// A segment runs from just after the nearest '>' or '?' before the marker to just before the
// nearest '<' or '?' after it — i.e. the URI part or the headers part of a <Sip> text. Lengths
// count XML entities (&amp; &lt; &gt; &quot; &apos;) as one character, as the catalogue does.
// Errors when the segment is already longer than N without the fill.
Result<std::string> expand_fills(const std::string& text);

}  // namespace sipconform
