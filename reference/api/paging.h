// Paging of the list resources [api.calls.fetch-list, api.applications]: PageSize and Page from
// the query, and the provider's list envelope (start, end, page URIs) around one page of items.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "call/rest_model.h"
#include "webhook/params.h"

namespace sipref::api {

inline constexpr std::size_t kDefaultPageSize = 50;
inline constexpr std::size_t kMaxPageSize = 1000;

struct PageRequest {
  std::size_t page_size = kDefaultPageSize;
  std::size_t page = 0;  // 0-based
};

// PageSize 1..1000 (default 50) and Page from 0 (default 0); PageToken is accepted and ignored,
// since Page alone finds the page in sipref's in-memory lists.
std::expected<PageRequest, call::Refusal> page_request_from_query(const webhook::Params& query);

// Where the list's page lies: [first, last) of `total` items (empty beyond the end).
struct PageBounds {
  std::size_t first = 0;
  std::size_t last = 0;
};
PageBounds page_bounds(std::size_t total, const PageRequest& page);

// `{"<key>": [items], "end": …, "first_page_uri": …, "next_page_uri": …, "previous_page_uri": …,
// "page": …, "page_size": …, "start": …, "uri": …}`. The URIs are `path` with the filters (in
// the given order) then PageSize and Page, form-encoded.
std::string page_envelope(std::string_view key, const std::vector<std::string>& page_items_json,
                          std::size_t total, const PageRequest& page, std::string_view path,
                          const webhook::Params& filters);

// One page of `records` in its envelope, each record written by `to_json`.
template <class Record, class ToJson>
std::string list_page_json(std::string_view key, const std::vector<Record>& records, ToJson to_json,
                           const PageRequest& page, std::string_view path,
                           const webhook::Params& filters) {
  const PageBounds bounds = page_bounds(records.size(), page);
  std::vector<std::string> items;
  for (std::size_t i = bounds.first; i < bounds.last; ++i) items.push_back(to_json(records[i]));
  return page_envelope(key, items, records.size(), page, path, filters);
}

}  // namespace sipref::api
