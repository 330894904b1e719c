// Reads conformance cases (fixtures/cases/<section>/<name>.yaml) into the Case model, strictly:
// unknown keys, wrong types, bad values, selectors and placeholders are file:line:column errors.
#pragma once

#include <string>
#include <vector>

#include "cases/case.h"
#include "util/error.h"

namespace sipconform {

// The format (fixtures/cases/README.md has the long form):
//
//   id: sip/headers-custom          # required; = path under fixtures/cases without .yaml (lint)
//   title: X- headers reach the INVITE percent-decoded                          # required
//   checks: [sip.headers.custom]    # required, non-empty: behaviour IDs (lint: in catalogue)
//   requires: [tcp]                 # capabilities (lint: known ones)
//   timeout: 20                     # seconds, default 30
//   webhooks:                       # path -> TwiML, or a map
//     /voice: <Response>…{{callee}}…</Response>
//     /action: { body: <Response/>, content_type: text/xml, fault: { kind: status, status: 500 } }
//       # fault kinds (and their one field): delay (delay_ms), status (status), content_type
//       # (content_type), redirect (location), malformed, drop, empty
//   parties:                        # name -> SIPp process; {{name}} is its host:port
//     caller: { scenario: caller-hangs-up.xml, calls: target }        # calls: target | callee
//     callee: { scenario: callee-answer.xml, vars: { k: "{{caller}}" }, transport: udp,
//               count: 1, must_pass: true }
//   api:                            # REST steps [api.*], in order on one thread (requires:
//   [rest-api])
//     - name: create                # optional (default step<N>); {{api:create.sid}} afterwards
//       after: { webhook: /voice, params: { CallStatus: in-progress } }   # wait for that request
//       method: POST                # GET | POST | DELETE
//       path: /Calls.json           # under /2010-04-01/Accounts/<sid> unless it starts
//       /2010-04-01/ form: { To: "sip:x@{{callee}}", StatusCallbackEvent: [initiated, ringing] }  #
//       POST only query: { Status: completed } auth: account               # account | none |
//       wrong-token | other-account expect: { status: 201, json: { sid: { matches: "^CA" },
//       calls.0.to: x }, count: { calls: 1 } } level: ref
//   expect:
//     parties: pass                 # pass (default) | ignore
//     requests:                     # params: name -> text (equals) or one of
//       - { path: /voice, method: POST, count: 1, level: ref,   # {equals|matches: text},
//           params: { To: "sip:{{token}}@x", Foo: { absent: true } } }  # {absent|present: true}
//     no_unexpected_requests: true
//     order:                        # [a, before|after, b] or { first: a, second: b, level: ref }
//       - [ "callee -> 200 INVITE", before, "caller <- 200 INVITE" ]
//     wire:                         # message + count, source (edge:<name> or an IP),
//       - { message: "callee <- INVITE", header: X-A, equals: "1,2" }  # header with one of
//                                   # equals/matches/present, request_uri_matches; level
//     rtp:                          # RTP at a party's media address (requires: [media]):
//       - { stream: "callee <-", source: "edge:ashburn", min_packets: 20 }  # stream "<party> <-"
//                                   # or "<party> ->"; payload_type, before (a selector),
//                                   # min_packets (default 1) or count; level
//
// At least one of webhooks, parties and api is required. Selectors: "<party> <- <what>"
// (received by the party), "<party> -> <what>" (sent by it), <party> a declared party or
// "target", <what> a method (BYE), a status (486), a class (2xx) or "status METHOD" (200 INVITE);
// "webhook [METHOD] <path>"; or "api <step>" (when its answer arrived).
// Placeholders: declared party names and token, target, domain, webhook; {{api:STEP.path}} (a
// member of an earlier step's JSON answer) in api steps and in expectations.
Result<Case> load_case(const std::string& path);

// Every *.yaml below `dir` (recursively), sorted by id. Errors of all files are reported
// together, one per line.
Result<std::vector<Case>> load_cases(const std::string& dir);

}  // namespace sipconform
