#include "api/router.h"

#include <expected>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

#include "api/basic_auth.h"
#include "api/forms.h"
#include "api/json_shapes.h"
#include "api/paging.h"
#include "webhook/params.h"

namespace sipref::api {
namespace {

constexpr std::string_view kAccountsPrefix = "/2010-04-01/Accounts/";
constexpr std::string_view kJsonSuffix = ".json";

enum class Resource { calls, call, applications, application, unknown };

struct Route {
  Resource resource = Resource::unknown;
  std::string account;
  std::string sid;  // of call and application
};

// "Calls/CA….json" → "CA…" for collection "Calls/"; nullopt for anything else.
std::optional<std::string_view> item_sid(std::string_view tail, std::string_view collection) {
  if (!tail.starts_with(collection) || !tail.ends_with(kJsonSuffix)) return std::nullopt;
  auto sid = tail.substr(collection.size(), tail.size() - collection.size() - kJsonSuffix.size());
  if (sid.empty() || sid.find('/') != std::string_view::npos) return std::nullopt;
  return sid;
}

// nullopt when the path is not under /2010-04-01/Accounts/ (and so needs no auth).
std::optional<Route> match_route(std::string_view path) {
  if (!path.starts_with(kAccountsPrefix)) return std::nullopt;
  const std::string_view rest = path.substr(kAccountsPrefix.size());
  const auto slash = rest.find('/');
  Route route;
  if (slash == std::string_view::npos) {  // the account itself: authenticated, then not served
    route.account =
        rest.ends_with(kJsonSuffix) ? rest.substr(0, rest.size() - kJsonSuffix.size()) : rest;
    return route;
  }
  route.account = rest.substr(0, slash);
  const std::string_view tail = rest.substr(slash + 1);
  if (tail == "Calls.json") {
    route.resource = Resource::calls;
  } else if (tail == "Applications.json") {
    route.resource = Resource::applications;
  } else if (auto call_sid = item_sid(tail, "Calls/")) {
    route.resource = Resource::call;
    route.sid = *call_sid;
  } else if (auto app_sid = item_sid(tail, "Applications/")) {
    route.resource = Resource::application;
    route.sid = *app_sid;
  }
  return route;
}

HttpResponse json_response(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

HttpResponse error_response(int status, int code, std::string_view message) {
  return json_response(status, error_json(status, code, message));
}

HttpResponse refusal_response(const call::Refusal& refusal) {
  return error_response(refusal.http_status, refusal.code, refusal.message);
}

HttpResponse unauthorized() {
  auto response = error_response(401, 20003, "Authenticate");
  response.headers.emplace_back("WWW-Authenticate", "Basic realm=\"Twilio API\"");
  return response;
}

HttpResponse not_found(std::string_view path) {
  return error_response(404, 20404,
                        "The requested resource " + std::string(path) + " was not found");
}

HttpResponse method_not_allowed(std::string_view allowed) {
  auto response = error_response(405, 20004, "Method not allowed");
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

// A Backend answer as `status` with its JSON, or its Refusal.
template <class Record, class ToJson>
HttpResponse answer(const std::expected<Record, call::Refusal>& result, int status,
                    ToJson to_json) {
  if (!result) return refusal_response(result.error());
  return json_response(status, to_json(*result));
}

bool is_form_content_type(std::string_view content_type) {
  std::string_view media_type = content_type.substr(0, content_type.find(';'));
  while (media_type.ends_with(' ')) media_type.remove_suffix(1);
  while (media_type.starts_with(' ')) media_type.remove_prefix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (media_type.size() != kForm.size()) return false;
  for (std::size_t i = 0; i < kForm.size(); ++i) {
    char c = media_type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kForm[i]) return false;
  }
  return true;
}

// An empty body is an empty form whatever its Content-Type, so that a POST without fields gets
// the field's own error rather than one about the encoding.
std::expected<webhook::Params, call::Refusal> form_body(const HttpRequest& request) {
  if (request.body.empty()) return webhook::Params{};
  if (!is_form_content_type(request.content_type))
    return std::unexpected(
        call::Refusal{400, 20001, "Content-Type must be application/x-www-form-urlencoded"});
  auto form = webhook::form_decode(request.body);
  if (!form)
    return std::unexpected(
        call::Refusal{400, 20001, "The body is not a valid form: " + form.error().message});
  return *form;
}

std::expected<webhook::Params, call::Refusal> query_params(const HttpRequest& request) {
  auto query = webhook::form_decode(request.query);
  if (!query)
    return std::unexpected(
        call::Refusal{400, 20001, "The query string is not valid: " + query.error().message});
  return *query;
}

// The filters a list was asked with, in a fixed order, for the backend and the page URIs.
webhook::Params present_filters(const webhook::Params& query,
                                std::initializer_list<std::string_view> names) {
  webhook::Params filters;
  for (auto name : names)
    if (auto value = query.find(name); value && !value->empty())
      filters.add(std::string(name), std::string(*value));
  return filters;
}

std::optional<std::string> filter_value(const webhook::Params& filters, std::string_view name) {
  auto value = filters.find(name);
  if (!value) return std::nullopt;
  return std::string(*value);
}

HttpResponse create_call(const HttpRequest& request, const Route& route, Backend& backend) {
  auto form = form_body(request);
  if (!form) return refusal_response(form.error());
  auto call = outbound_call_from_form(*form, route.account);
  if (!call) return refusal_response(call.error());
  return answer(backend.create_call(*call), 201, call_json);
}

HttpResponse list_calls(const HttpRequest& request, const Route& route, Backend& backend) {
  auto query = query_params(request);
  if (!query) return refusal_response(query.error());
  auto page = page_request_from_query(*query);
  if (!page) return refusal_response(page.error());
  const auto filters = present_filters(*query, {"To", "From", "Status", "ParentCallSid"});
  call::CallFilter filter{filter_value(filters, "To"), filter_value(filters, "From"),
                          filter_value(filters, "Status"), filter_value(filters, "ParentCallSid")};
  auto calls = backend.list_calls(route.account, filter);
  if (!calls) return refusal_response(calls.error());
  return json_response(200,
                       list_page_json("calls", *calls, call_json, *page, request.path, filters));
}

HttpResponse update_call(const HttpRequest& request, const Route& route, Backend& backend) {
  auto form = form_body(request);
  if (!form) return refusal_response(form.error());
  auto update = call_update_from_form(*form);
  if (!update) return refusal_response(update.error());
  return answer(backend.update_call(route.account, route.sid, *update), 200, call_json);
}

HttpResponse change_application(const HttpRequest& request, const Route& route, Backend& backend) {
  auto form = form_body(request);
  if (!form) return refusal_response(form.error());
  auto change = app_change_from_form(*form);
  if (!change) return refusal_response(change.error());
  if (route.resource == Resource::applications)
    return answer(backend.create_application(route.account, *change), 201, application_json);
  return answer(backend.update_application(route.account, route.sid, *change), 200,
                application_json);
}

HttpResponse list_applications(const HttpRequest& request, const Route& route, Backend& backend) {
  auto query = query_params(request);
  if (!query) return refusal_response(query.error());
  auto page = page_request_from_query(*query);
  if (!page) return refusal_response(page.error());
  const auto filters = present_filters(*query, {"FriendlyName"});
  auto apps = backend.list_applications(route.account);
  if (!apps) return refusal_response(apps.error());
  if (auto name = filters.find("FriendlyName"))
    std::erase_if(*apps, [&](const call::AppRecord& app) { return app.friendly_name != *name; });
  return json_response(
      200, list_page_json("applications", *apps, application_json, *page, request.path, filters));
}

HttpResponse delete_application(const Route& route, Backend& backend) {
  auto deleted = backend.delete_application(route.account, route.sid);
  if (!deleted) return refusal_response(deleted.error());
  auto response = json_response(204, "");
  response.content_type.clear();  // no body, so no type
  return response;
}

HttpResponse dispatch(const HttpRequest& request, const Route& route, Backend& backend) {
  const std::string& method = request.method;
  switch (route.resource) {
    case Resource::calls:
      if (method == "POST") return create_call(request, route, backend);
      if (method == "GET") return list_calls(request, route, backend);
      return method_not_allowed("GET, POST");
    case Resource::call:
      if (method == "GET")
        return answer(backend.find_call(route.account, route.sid), 200, call_json);
      if (method == "POST") return update_call(request, route, backend);
      return method_not_allowed("GET, POST");
    case Resource::applications:
      if (method == "POST") return change_application(request, route, backend);
      if (method == "GET") return list_applications(request, route, backend);
      return method_not_allowed("GET, POST");
    case Resource::application:
      if (method == "GET")
        return answer(backend.find_application(route.account, route.sid), 200, application_json);
      if (method == "POST") return change_application(request, route, backend);
      if (method == "DELETE") return delete_application(route, backend);
      return method_not_allowed("GET, POST, DELETE");
    case Resource::unknown:
      break;
  }
  return not_found(request.path);
}

}  // namespace

HttpResponse handle_rest(const HttpRequest& request, Backend& backend,
                         const config::Config& config) {
  auto route = match_route(request.path);
  if (!route) return not_found(request.path);
  if (!authenticate(request.authorization, route->account, config)) return unauthorized();
  return dispatch(request, *route, backend);
}

}  // namespace sipref::api
