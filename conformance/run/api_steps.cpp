// Sending a case's api steps and recording the exchanges (api_steps.h).
#include "run/api_steps.h"

#include <httplib.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <optional>
#include <thread>

#include "check/checker.h"
#include "run/fill.h"
#include "util/error.h"
#include "util/json.h"
#include "util/json_path.h"

namespace sipconform {
namespace {

constexpr std::string_view kApiRoot = "/2010-04-01/";
constexpr std::string_view kApiPlaceholder = "{{api:";
// How often an `after:` wait looks at the mock server's record (as await_quiet does).
constexpr auto kPollInterval = std::chrono::milliseconds(20);

double epoch_now() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

std::string base64(std::string_view data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const std::size_t left = data.size() - i;
    std::uint32_t chunk = static_cast<unsigned char>(data[i]) << 16;
    if (left > 1) chunk |= static_cast<unsigned char>(data[i + 1]) << 8;
    if (left > 2) chunk |= static_cast<unsigned char>(data[i + 2]);
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += left > 1 ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += left > 2 ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

// A well-formed account SID that no target configures, for `auth: other-account`.
std::string other_account_sid(const std::string& account_sid) {
  const std::string other = "AC" + std::string(32, 'f');
  return other == account_sid ? "AC" + std::string(32, 'e') : other;
}

struct Credentials {
  std::string header;       // the Authorization value sent; empty: none
  std::string description;  // for evidence: the secret masked
};

Credentials credentials_for(ApiStep::Auth auth, const ApiStepSettings& settings) {
  std::string user = settings.account_sid;
  std::string password = settings.auth_token;
  std::string secret = "the account's auth token";
  switch (auth) {
    case ApiStep::Auth::none:
      return {"", "(none)"};
    case ApiStep::Auth::wrong_token:
      password += "-wrong";
      secret = "a wrong token";
      break;
    case ApiStep::Auth::other_account:
      user = other_account_sid(settings.account_sid);
      break;
    case ApiStep::Auth::account:
      break;
  }
  return {"Basic " + base64(user + ":" + password), "Basic " + user + ":*** (" + secret + ")"};
}

// The first {{api:…}} in `text` that `substitutions` cannot fill: its step had no answer, or no
// such member.
std::optional<std::string> unresolved(std::string_view text,
                                      const std::map<std::string, std::string>& substitutions) {
  for (std::size_t open = text.find(kApiPlaceholder); open != std::string_view::npos;
       open = text.find(kApiPlaceholder, open + 2)) {
    const std::size_t close = text.find("}}", open);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string name(text.substr(open + 2, close - open - 2));
    if (!substitutions.contains(name)) return "{{" + name + "}}";
  }
  return std::nullopt;
}

// A text of the step with the case's placeholders filled: {{party}}, {{api:…}}, {{fill:N:C}}.
Result<std::string> fill(const std::string& text,
                         const std::map<std::string, std::string>& substitutions) {
  if (auto missing = unresolved(text, substitutions))
    return fail(*missing + " is unknown: that step got no JSON answer with such a member");
  return expand_fills(substitute(text, substitutions));
}

Result<std::vector<std::pair<std::string, std::string>>> fill_pairs(
    const std::vector<std::pair<std::string, std::string>>& pairs,
    const std::map<std::string, std::string>& substitutions) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : pairs) {
    auto filled = fill(value, substitutions);
    if (!filled) return fail(name + ": " + filled.error().message);
    out.emplace_back(name, std::move(*filled));
  }
  return out;
}

std::string describe_params(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string text;
  for (const auto& [name, value] : params)
    text += (text.empty() ? " with " : ", ") + name + "=" + value;
  return text;
}

// `after: { webhook, params }`: polls the case's record until a request to that path carries
// every named parameter with exactly that value, or the case's deadline passes.
Result<void> await_webhook(const ApiStep& step, const ApiStepSettings& settings,
                           const std::map<std::string, std::string>& substitutions) {
  auto path = fill(*step.after_webhook, substitutions);
  if (!path) return std::unexpected(path.error());
  auto params = fill_pairs(step.after_params, substitutions);
  if (!params) return std::unexpected(params.error());
  const auto seen = [&](const WebhookEvent& hook) {
    if (hook.path != *path) return false;
    for (const auto& [name, value] : *params)
      if (const std::string* actual = hook.param(name); !actual || *actual != value) return false;
    return true;
  };
  while (true) {
    if (settings.webhooks_seen)
      for (const auto& hook : settings.webhooks_seen())
        if (seen(hook)) return {};
    if (epoch_now() >= settings.deadline_epoch)
      return fail("never saw webhook " + *path + describe_params(*params) +
                  " before the case's timeout");
    std::this_thread::sleep_for(kPollInterval);
  }
}

// The step as it goes on the wire; fills `exchange` with what evidence shows of it.
struct Request {
  std::string target;  // path and query
  std::string body;    // form-encoded, POST only
  Credentials credentials;
};

Result<Request> build_request(const ApiStep& step, const ApiStepSettings& settings,
                              const std::map<std::string, std::string>& substitutions,
                              ApiEvent& exchange) {
  auto path = fill(step.path, substitutions);
  if (!path) return fail("path: " + path.error().message);
  auto query = fill_pairs(step.query, substitutions);
  if (!query) return fail("query " + query.error().message);
  auto form = fill_pairs(step.form, substitutions);
  if (!form) return fail("form " + form.error().message);
  Request request;
  request.target = api_request_path(*path, settings.account_sid);
  if (!query->empty()) request.target += "?" + form_encode(*query);
  request.body = form_encode(*form);
  request.credentials = credentials_for(step.auth, settings);
  exchange.path = request.target;
  exchange.form = std::move(*form);
  exchange.authorization = request.credentials.description;
  return request;
}

void set_timeouts(httplib::Client& client, double seconds) {
  const auto whole = static_cast<time_t>(seconds);
  const auto micro = static_cast<time_t>(std::lround((seconds - static_cast<double>(whole)) * 1e6));
  client.set_connection_timeout(whole, micro);
  client.set_read_timeout(whole, micro);
  client.set_write_timeout(whole, micro);
}

// Sends one request and records the answer (or the transport error) into `exchange`.
void send(const ApiStep& step, const Request& request, const ApiStepSettings& settings,
          ApiEvent& exchange) {
  httplib::Client client(settings.host, settings.port);
  set_timeouts(client, settings.request_timeout_s);
  client.set_url_encode(false);  // the target is already encoded as it must go
  client.set_keep_alive(false);
  httplib::Headers headers{{"Accept", "application/json"}};
  if (!request.credentials.header.empty())
    headers.emplace("Authorization", request.credentials.header);
  exchange.sent = true;
  exchange.sent_epoch = epoch_now();
  httplib::Result answer =
      step.method == "GET" ? client.Get(request.target, headers)
      : step.method == "POST"
          ? client.Post(request.target, headers, request.body, "application/x-www-form-urlencoded")
          : client.Delete(request.target, headers);
  exchange.answered_epoch = epoch_now();
  if (!answer) {
    exchange.error = httplib::to_string(answer.error()) + " (REST API at " + settings.host + ":" +
                     std::to_string(settings.port) + ")";
    return;
  }
  exchange.status = answer->status;
  exchange.body = answer->body;
}

ApiEvent run_step(const ApiStep& step, const ApiStepSettings& settings,
                  const std::map<std::string, std::string>& substitutions) {
  ApiEvent exchange;
  exchange.name = step.name;
  exchange.method = step.method;
  exchange.path = step.path;
  const auto not_sent = [&](std::string why) {
    exchange.error = std::move(why);
    exchange.answered_epoch = epoch_now();
    return exchange;
  };
  if (step.after_webhook)
    if (auto waited = await_webhook(step, settings, substitutions); !waited)
      return not_sent(waited.error().message);
  auto request = build_request(step, settings, substitutions, exchange);
  if (!request) return not_sent(request.error().message);
  send(step, *request, settings, exchange);
  return exchange;
}

std::string seconds_since(double epoch, double origin) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", epoch - origin);
  return text;
}

std::string pretty_body(const std::string& body) {
  auto json = parse_json(body);
  return json ? json->dump(2) : body;
}

std::string indent(const std::string& text, const std::string& by) {
  std::string out = by;
  for (const char c : text) {
    out += c;
    if (c == '\n') out += by;
  }
  return out;
}

}  // namespace

std::string api_request_path(const std::string& path, const std::string& account_sid) {
  if (path.starts_with(kApiRoot)) return path;
  return std::string(kApiRoot) + "Accounts/" + account_sid + path;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  const auto encode = [](const std::string& text) {
    std::string out;
    for (const unsigned char c : text) {
      if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
        out += static_cast<char>(c);
      } else {
        char escaped[4];
        std::snprintf(escaped, sizeof escaped, "%%%02X", c);
        out += escaped;
      }
    }
    return out;
  };
  std::string body;
  for (const auto& [name, value] : pairs)
    body += (body.empty() ? "" : "&") + encode(name) + "=" + encode(value);
  return body;
}

void add_api_substitutions(const std::string& step, const std::string& body,
                           std::map<std::string, std::string>& substitutions) {
  auto json = parse_json(body);
  if (!json) return;
  for (auto& [path, text] : flatten_json(*json))
    substitutions["api:" + step + "." + path] = std::move(text);
}

std::vector<ApiEvent> run_api_steps(const std::vector<ApiStep>& steps,
                                    const ApiStepSettings& settings,
                                    std::map<std::string, std::string>& substitutions) {
  std::vector<ApiEvent> exchanges;
  for (const auto& step : steps) {
    exchanges.push_back(run_step(step, settings, substitutions));
    if (exchanges.back().status != 0)
      add_api_substitutions(step.name, exchanges.back().body, substitutions);
  }
  return exchanges;
}

std::string render_api_log(const std::vector<ApiEvent>& exchanges, double origin) {
  std::string log;
  for (const auto& exchange : exchanges) {
    if (!log.empty()) log += "\n";
    log += "[" + exchange.name + "] ";
    if (!exchange.sent) {
      log += exchange.method + " " + exchange.path + " not sent at " +
             seconds_since(exchange.answered_epoch, origin) + ": " + exchange.error + "\n";
      continue;
    }
    log += seconds_since(exchange.sent_epoch, origin) + ": " + exchange.method + " " +
           exchange.path + "\n";
    log += "  Authorization: " + exchange.authorization + "\n";
    for (const auto& [name, value] : exchange.form) log += "  " + name + "=" + value + "\n";
    if (exchange.status == 0) {
      log += "  -> no answer at " + seconds_since(exchange.answered_epoch, origin) + ": " +
             exchange.error + "\n";
      continue;
    }
    log += "  -> " + std::to_string(exchange.status) + " at " +
           seconds_since(exchange.answered_epoch, origin) + "\n";
    if (!exchange.body.empty()) log += indent(pretty_body(exchange.body), "     ") + "\n";
  }
  return log;
}

}  // namespace sipconform
