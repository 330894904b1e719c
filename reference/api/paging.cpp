#include "api/paging.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>

#include "api/json_shapes.h"

namespace sipref::api {
namespace {

// A whole number written with digits only; nullopt for anything else, or one too large for
// 32 bits (no list is that long, and start = page * size must not overflow).
std::optional<std::size_t> whole_number(std::string_view text) {
  std::uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string page_uri(std::string_view path, const webhook::Params& filters, const PageRequest& page,
                     std::size_t page_number) {
  webhook::Params query = filters;
  query.add("PageSize", std::to_string(page.page_size));
  query.add("Page", std::to_string(page_number));
  return std::string(path) + "?" + webhook::form_encode(query);
}

}  // namespace

std::expected<PageRequest, call::Refusal> page_request_from_query(const webhook::Params& query) {
  PageRequest request;
  if (auto size_text = query.find("PageSize"); size_text && !size_text->empty()) {
    auto size = whole_number(*size_text);
    if (!size || *size < 1 || *size > kMaxPageSize)
      return std::unexpected(
          call::Refusal{400, 20001, "PageSize must be a whole number from 1 to 1000"});
    request.page_size = *size;
  }
  if (auto page_text = query.find("Page"); page_text && !page_text->empty()) {
    auto page = whole_number(*page_text);
    if (!page)
      return std::unexpected(call::Refusal{400, 20001, "Page must be a whole number from 0"});
    request.page = *page;
  }
  return request;
}

PageBounds page_bounds(std::size_t total, const PageRequest& page) {
  const std::size_t first = std::min(total, page.page * page.page_size);
  return {first, std::min(total, first + page.page_size)};
}

std::string page_envelope(std::string_view key, const std::vector<std::string>& page_items_json,
                          std::size_t total, const PageRequest& page, std::string_view path,
                          const webhook::Params& filters) {
  std::string items = "[";
  for (const auto& item : page_items_json) {
    if (items.size() > 1) items += ", ";
    items += item;
  }
  items += "]";
  const std::size_t start = page.page * page.page_size;
  // The index of the page's last item; an empty page ends where it starts.
  const std::size_t end = page_items_json.empty() ? start : start + page_items_json.size() - 1;
  std::optional<std::string> next;
  if (start + page_items_json.size() < total) next = page_uri(path, filters, page, page.page + 1);
  std::optional<std::string> previous;
  if (page.page > 0) previous = page_uri(path, filters, page, page.page - 1);
  return JsonObjectWriter()
      .raw(key, items)
      .number("end", static_cast<long long>(end))
      .string("first_page_uri", page_uri(path, filters, page, 0))
      .string_or_null("next_page_uri", next)
      .string_or_null("previous_page_uri", previous)
      .number("page", static_cast<long long>(page.page))
      .number("page_size", static_cast<long long>(page.page_size))
      .number("start", static_cast<long long>(start))
      .string("uri", page_uri(path, filters, page, page.page))
      .text();
}

}  // namespace sipref::api
