#include "run/fill.h"

#include <array>
#include <string_view>

namespace sipconform {
namespace {

// Characters as the element's text will read once XML-unescaped.
std::size_t unescaped_length(std::string_view text) {
  static constexpr std::array<std::string_view, 5> entities{"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
  std::size_t length = 0;
  for (std::size_t i = 0; i < text.size(); ++length) {
    std::size_t step = 1;
    for (auto e : entities)
      if (text.substr(i, e.size()) == e) step = e.size();
    i += step;
  }
  return length;
}

}  // namespace

Result<std::string> expand_fills(const std::string& input) {
  std::string text = input;
  for (std::size_t at = text.find("{{fill:"); at != std::string::npos; at = text.find("{{fill:")) {
    const std::size_t close = text.find("}}", at);
    const std::string spec = text.substr(at + 7, close == std::string::npos ? 0 : close - at - 7);
    const std::size_t colon = spec.find(':');
    if (close == std::string::npos || colon == std::string::npos || colon + 2 != spec.size())
      return fail("bad fill marker near '" + text.substr(at, 30) + "': write {{fill:LENGTH:CHAR}}");
    const std::size_t want = std::stoul(spec.substr(0, colon));
    const char filler = spec[colon + 1];
    text.erase(at, close + 2 - at);
    const std::size_t begin = text.find_last_of(">?", at == 0 ? 0 : at - 1);
    const std::size_t start = (begin == std::string::npos || at == 0) ? 0 : begin + 1;
    const std::size_t end = std::min(text.find_first_of("<?", at), text.size());
    const std::size_t have = unescaped_length(std::string_view(text).substr(start, end - start));
    if (have > want)
      return fail("fill to " + std::to_string(want) + ": the text is already " + std::to_string(have) + " long");
    text.insert(at, want - have, filler);
  }
  return text;
}

}  // namespace sipconform
