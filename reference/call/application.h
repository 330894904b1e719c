// Application Connect [app.*]: <Dial><Application> connects a call to a TwiML App inside sipref
// with no SIP leg. The rules as pure values here; the engine's side is in application.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "call/leg.h"
#include "config/config.h"
#include "twiml/document.h"
#include "util/alert.h"
#include "webhook/params.h"

namespace sipref::call {

inline constexpr std::size_t kMaxCustomerId = 256;  // [app.customer-id]

// What makes a Session the call of a TwiML App that another call's <Dial> connected to. That
// session runs the App's TwiML on the connecting call's caller leg (it owns no SIP leg); the
// connecting call's <Dial> holds a stand-in leg for it (Leg::application) with the same CallSid.
struct ApplicationCall {
  config::Application config;  // a copy: the REST API may change or delete the App meanwhile
  std::string parent_sid;  // the call whose <Dial> connected it
  LegId stand_in = 0;      // the parent's leg standing for this call in its <Dial>
  std::vector<twiml::Parameter> params;  // sent as Param_<name> [app.params]
  std::string customer_id;               // sent as CustomerId [app.customer-id]
  // The <Parameter>s of the App's <Hangup> or <Reject>, for the parent's action [app.return-params].
  std::vector<twiml::Parameter> return_params;
};

// [app.public-flag]: why `app` (nullptr: no App has that SID) may not be dialled by a call of
// `caller_account`, or nullopt. Another account's App needs PublicApplicationConnectEnabled;
// the same account's always may. Refusals are alert 13224.
std::optional<Alert> refuse_application(const config::Application* app, std::string_view sid,
                                        std::string_view caller_account);

// The To, From and CustomerId the App's voice request reports [app.dial, app.copy-parent-to,
// app.customer-id], and the warnings on the way.
struct ConnectPlan {
  std::string to;
  std::string customer_id;
  std::vector<Alert> alerts;
};
ConnectPlan plan_connect(const twiml::Application& noun, std::string_view parent_to,
                         std::string_view parent_account);

// Each parameter as <prefix><name>=<value>, in document order: Param_ towards the App,
// ReturnParam_ back to the parent's action [app.params, app.return-params].
void add_prefixed(webhook::Params& out, std::string_view prefix, const std::vector<twiml::Parameter>& params);

// The parent's <Dial> outcome when the App's call ends before it answered: <Reject reason=busy>
// (486) is busy; a failure to get TwiML (500) is failed; <Reject> (404) or TwiML that ends
// without answering (480) is no-answer [app.reject]. As the SIP status the stand-in leg reports.
int unanswered_application_status(int unanswered_status);

}  // namespace sipref::call
