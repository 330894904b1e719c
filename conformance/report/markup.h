// Helpers shared by the XML-family renderers (junit.xml, index.html, the SVG ladders): escaping
// that always yields well-formed UTF-8 XML, and the few number formats the reports use.
#pragma once

#include <string>
#include <string_view>

#include "check/verdict.h"

namespace sipconform::report {

// Text for element content or a double-quoted attribute: & < > " ' escaped, newlines kept
// (as &#10; inside attributes so they survive attribute normalisation), control characters that
// XML 1.0 forbids and invalid UTF-8 replaced by U+FFFD.
std::string xml_escape(std::string_view text, bool attribute = false);

// "1.234": seconds with millisecond precision, the format junit's time attributes accept.
std::string fixed3(double value);

// "sip/edge-default" -> "case-sip__edge-default": an id attribute and #fragment for a case.
std::string case_anchor(std::string_view case_id);

// "sip/edge-default" -> "sip": the catalogue section a case belongs to.
std::string section_of(std::string_view case_id);

// Per-case check summary as "Expected: … / Actual: …", the h2spec-style line used in messages.
std::string expected_actual(const CheckResult& check);

}  // namespace sipconform::report
