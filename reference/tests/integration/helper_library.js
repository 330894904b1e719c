// twilio-node against sipref: REST calls and applications through the library's own client, TwiML
// built with its VoiceResponse, and every webhook sipref sends checked with its validateRequest.
'use strict';

const fs = require('fs');
const http = require('http');
const path = require('path');
const { createRequire } = require('module');

const settings = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
// The library is installed in the build tree, not beside this file.
const libraryRequire = createRequire(path.join(settings.library, 'package.json'));
const twilio = libraryRequire('twilio');
const RequestClient = libraryRequire('twilio/lib/base/RequestClient');

const { accountSid, authToken } = settings;
const webhookBase = `http://${settings.webhookAddress}:${settings.webhookPort}`;
const callerId = '+15005550006';
const sidPattern = (prefix) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

// ---- assertions and awaits ----

class StepFailure extends Error {}

let currentStep = '';
function step(title) {
  currentStep = title;
  console.log(`# ${title}`);
}

function expect(condition, what, expected, actual) {
  if (condition) return;
  throw new StepFailure(
    `${currentStep}: ${what}\n  Expected: ${expected}\n  Actual:   ${JSON.stringify(actual)}`);
}

function expectEqual(what, expected, actual) {
  expect(actual === expected, what, JSON.stringify(expected), actual);
}

function pass(what) {
  console.log(`ok - ${what}`);
}

async function until(what, seconds, probe) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() >= deadline)
      throw new StepFailure(`${currentStep}: timed out after ${seconds}s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A rejected promise's error, or a failure when it resolved.
async function rejection(promise, what) {
  try {
    const value = await promise;
    throw new StepFailure(`${currentStep}: ${what} succeeded: ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof StepFailure) throw error;
    return error;
  }
}

// ---- the webhook application ----

// { method, path, url (as requested), headers, params (the signed ones), fields (query and body) }
const recorded = [];

// Form fields as validateRequest takes them: one value a string, a repeated key an array.
function formObject(text) {
  const object = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (!(key in object)) object[key] = value;
    else object[key] = [].concat(object[key], value);
  }
  return object;
}

function twimlFor(pathname) {
  const response = new twilio.twiml.VoiceResponse();
  switch (pathname) {
    case '/voice':  // the REST call, answered: hold it until the redirects
    case '/app':    // the connected TwiML App: hold it until the call is ended over REST
      response.pause({ length: 30 });
      break;
    case '/redirected': {
      // referUrl (relative: resolved against this document) + a <Sip> with a header on its URI.
      const dial = response.dial({ referUrl: '/refer', answerOnBridge: false });
      const callbacks = {
        statusCallback: `${webhookBase}/agent-status`, statusCallbackEvent: 'answered completed',
      };
      dial.sip(callbacks, `${settings.agentUri}?X-Case=helper`);
      break;
    }
    default:  // status callbacks, the debugger, /refer: an empty document
      break;
  }
  return response.toString();
}

const knownPaths = new Set(
  ['/voice', '/app', '/redirected', '/refer', '/status', '/agent-status', '/debugger']);

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const url = new URL(request.url, webhookBase);
    const body = Buffer.concat(chunks).toString('utf8');
    const params = request.method === 'POST' ? formObject(body) : {};
    recorded.push({
      method: request.method, path: url.pathname, url: webhookBase + request.url,
      headers: request.headers, params, fields: { ...formObject(url.search), ...params },
    });
    if (!knownPaths.has(url.pathname)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such path\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/xml' }).end(twimlFor(url.pathname));
  });
});

// The SIP messages a SIPp party received, from its -message_file (blocks headed by a dashed line
// and "UDP message received [n] bytes :").
function receivedMessages(file) {
  const log = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return log.split(/^-{10,}.*$/m)
    .map((block) => block.match(/^\w+ message received \[\d+\] bytes :\n\n([\s\S]*)$/m))
    .filter(Boolean)
    .map((match) => match[1]);
}

function requestsTo(pathname, matching = () => true) {
  return recorded.filter((r) => r.path === pathname && matching(r.fields));
}

function awaitRequest(pathname, what, seconds, matching) {
  return until(`${what} (a request to ${pathname})`, seconds,
               () => requestsTo(pathname, matching)[0]);
}

// ---- the REST client: the library's own RequestClient, aimed at sipref ----

const restExchanges = [];  // for the failure report

class LocalRequestClient {
  constructor(restBase) {
    this.restBase = restBase;
    this.inner = new RequestClient({ keepAlive: false });
  }

  async request(options) {
    const uri = options.uri.replace(/^https:\/\/api\.twilio\.com(:443)?(?=\/)/, this.restBase);
    if (uri === options.uri)
      throw new Error(`the library asked for an unexpected host: ${options.uri}`);
    const exchange = { method: options.method, uri, data: options.data, params: options.params };
    restExchanges.push(exchange);
    const reply = await this.inner.request({ ...options, uri });
    exchange.statusCode = reply.statusCode;
    exchange.body = reply.body;
    return reply;
  }
}

function clientWith(token) {
  const httpClient = new LocalRequestClient(settings.restBase);
  return twilio(accountSid, token, { httpClient, lazyLoading: false });
}

// ---- the steps ----

async function applicationsCrud(client) {
  step('1. applications: create, fetch, update, list');
  const created = await client.applications.create({
    friendlyName: 'helper-library app', voiceUrl: `${webhookBase}/app-before-update`,
    voiceMethod: 'POST', publicApplicationConnectEnabled: true,
  });
  expect(sidPattern('AP').test(created.sid), 'created application sid', '/^AP[0-9a-f]{32}$/',
         created.sid);
  expectEqual('created accountSid', accountSid, created.accountSid);
  expectEqual('created friendlyName', 'helper-library app', created.friendlyName);
  expectEqual('created voiceUrl', `${webhookBase}/app-before-update`, created.voiceUrl);
  expectEqual('created publicApplicationConnectEnabled', true,
              created.publicApplicationConnectEnabled);
  pass(`created ${created.sid}`);

  const fetched = await client.applications(created.sid).fetch();
  expectEqual('fetched sid', created.sid, fetched.sid);
  expectEqual('fetched voiceUrl', created.voiceUrl, fetched.voiceUrl);
  pass('fetched it back');

  // GET, so that one webhook below is signed over its query string rather than a body.
  const updated = await client.applications(created.sid).update({
    friendlyName: 'helper-library app (updated)', voiceUrl: `${webhookBase}/app`,
    voiceMethod: 'GET',
  });
  expectEqual('updated friendlyName', 'helper-library app (updated)', updated.friendlyName);
  expectEqual('updated voiceUrl', `${webhookBase}/app`, updated.voiceUrl);
  expectEqual('updated voiceMethod', 'GET', updated.voiceMethod);
  expectEqual('updated publicApplicationConnectEnabled (untouched)', true,
              updated.publicApplicationConnectEnabled);
  pass('updated voiceUrl, voiceMethod and friendlyName');

  const listed = await client.applications.list();
  expect(listed.some((app) => app.sid === created.sid), 'applications.list() holds the new sid',
         created.sid, listed.map((app) => app.sid));
  pass(`listed (${listed.length} application(s))`);
  return created.sid;
}

async function placeCall(client) {
  step('2. calls.create to the SIPp callee; the voice URL is requested once it answers');
  const call = await client.calls.create({
    to: settings.calleeUri, from: callerId, url: `${webhookBase}/voice`, method: 'POST',
    statusCallback: `${webhookBase}/status`, statusCallbackMethod: 'POST',
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
  });
  expect(sidPattern('CA').test(call.sid), 'created call sid', '/^CA[0-9a-f]{32}$/', call.sid);
  expectEqual('created call direction', 'outbound-api', call.direction);
  expectEqual('created call to', settings.calleeUri, call.to);
  expectEqual('created call from', callerId, call.from);
  expectEqual('created call accountSid', accountSid, call.accountSid);
  expectEqual('created call apiVersion', '2010-04-01', call.apiVersion);
  expect(['queued', 'initiated', 'ringing', 'in-progress'].includes(call.status),
         'created call status', 'queued, initiated, ringing or in-progress', call.status);
  pass(`created ${call.sid} (${call.status})`);

  const voice = await awaitRequest('/voice', 'the voice request of the answered call', 20,
                                   (f) => f.CallSid === call.sid);
  expectEqual('voice CallStatus', 'in-progress', voice.fields.CallStatus);
  expectEqual('voice Direction', 'outbound-api', voice.fields.Direction);
  expectEqual('voice AccountSid', accountSid, voice.fields.AccountSid);
  expectEqual('voice From', callerId, voice.fields.From);
  expectEqual('voice To', settings.calleeUri, voice.fields.To);
  expectEqual('voice ApiVersion', '2010-04-01', voice.fields.ApiVersion);
  pass('/voice requested: in-progress, outbound-api');

  const answered = await client.calls(call.sid).fetch();
  expectEqual('fetched status while it runs <Pause>', 'in-progress', answered.status);
  expect(answered.startTime instanceof Date && !isNaN(answered.startTime), 'fetched startTime',
         'a date', answered.startTime);
  pass('fetched: in-progress with a startTime');
  return call.sid;
}

async function redirectToSipAgent(client, callSid) {
  step('3. update({url}): the redirect runs <Dial referUrl><Sip>…?X-Case=helper</Sip></Dial>');
  const updated = await client.calls(callSid).update({
    url: `${webhookBase}/redirected`, method: 'POST',
  });
  expectEqual('update returned the call', callSid, updated.sid);
  await awaitRequest('/redirected', 'the redirect URL', 10, (f) => f.CallSid === callSid);
  pass('/redirected requested');

  const agentAnswered = await awaitRequest('/agent-status', "the <Sip> leg's answered callback",
                                           15, (f) => f.CallStatus === 'in-progress');
  expectEqual('agent leg ParentCallSid', callSid, agentAnswered.fields.ParentCallSid);
  expectEqual('agent leg Direction', 'outbound-dial', agentAnswered.fields.Direction);
  const agentSid = agentAnswered.fields.CallSid;
  expect(sidPattern('CA').test(agentSid) && agentSid !== callSid, 'agent leg CallSid',
         'a new CA sid', agentSid);
  pass(`the agent answered as ${agentSid}`);

  // The header the <Sip> URI carried must be on the INVITE the agent received.
  const agentInvite = await until('an INVITE in the agent SIPp message log', 5, () =>
    receivedMessages(settings.agentMessages).find((m) => m.startsWith('INVITE ')));
  expect(/^X-Case: *helper\r?$/m.test(agentInvite), 'the INVITE to the agent carries X-Case',
         'a header line "X-Case: helper"', agentInvite.split('\n').filter((l) => /^x-/i.test(l)));
  pass('the agent INVITE carried X-Case: helper');

  const children = await client.calls.list({ parentCallSid: callSid });
  const agentRecord = children.find((c) => c.sid === agentSid);
  expect(agentRecord, 'calls.list({parentCallSid}) holds the agent leg', agentSid,
         children.map((c) => c.sid));
  expectEqual('agent leg direction', 'outbound-dial', agentRecord.direction);
  expectEqual('agent leg parentCallSid', callSid, agentRecord.parentCallSid);
  pass('calls.list({parentCallSid}) shows the agent leg');
  return agentSid;
}

async function redirectToApplication(client, callSid, appSid, agentSid) {
  step('4. update({twiml}): <Dial><Application> with a <Parameter> reaches the app with Param_Foo');
  const twiml = new twilio.twiml.VoiceResponse();
  const application = twiml.dial().application();
  application.applicationSid(appSid);
  application.parameter({ name: 'Foo', value: 'bar' });
  const updated = await client.calls(callSid).update({ twiml });
  expectEqual('update returned the call', callSid, updated.sid);

  const app = await awaitRequest('/app', "the application's voice request", 10, () => true);
  expectEqual('app request method (the updated voiceMethod)', 'GET', app.method);
  expectEqual('app Param_Foo', 'bar', app.fields.Param_Foo);
  expectEqual('app To (copyParentTo unset: the App SID)', appSid, app.fields.To);
  expectEqual('app From (the original From is kept)', callerId, app.fields.From);
  expectEqual('app AccountSid', accountSid, app.fields.AccountSid);
  expect(sidPattern('CA').test(app.fields.CallSid) && app.fields.CallSid !== callSid,
         'app CallSid', 'a new CA sid', app.fields.CallSid);
  expect(requestsTo('/app-before-update').length === 0, 'the voice URL before the update unused',
         'no request to /app-before-update', requestsTo('/app-before-update').length);
  pass(`/app requested (GET) with Param_Foo=bar as ${app.fields.CallSid}`);

  // The redirect ended the <Dial> in progress: the agent leg was hung up.
  await awaitRequest('/agent-status', "the agent leg's completed callback", 10,
                     (f) => f.CallSid === agentSid && f.CallStatus === 'completed');
  pass('the redirect hung up the agent leg (completed callback)');
}

async function endCall(client, callSid) {
  step('5. update({status: completed}) ends the call');
  await client.calls(callSid).update({ status: 'completed' });
  await until('a BYE in the callee SIPp message log', 10,
              () => receivedMessages(settings.calleeMessages).some((m) => m.startsWith('BYE ')));
  pass('the callee received BYE');

  const ended = await until('calls(sid).fetch() to show completed', 10, async () => {
    const call = await client.calls(callSid).fetch();
    return call.status === 'completed' ? call : null;
  });
  expect(ended.endTime instanceof Date && !isNaN(ended.endTime), 'fetched endTime', 'a date',
         ended.endTime);
  expect(/^\d+$/.test(ended.duration), 'fetched duration', 'whole seconds as a string',
         ended.duration);
  pass(`fetched: completed, duration ${ended.duration}s`);

  const listed = await client.calls.list({ to: settings.calleeUri });
  expect(listed.some((c) => c.sid === callSid), 'calls.list({to}) holds the call', callSid,
         listed.map((c) => c.sid));
  pass('calls.list({to}) holds it');

  const completed = await awaitRequest(
    '/status', 'the completed status callback', 10,
    (f) => f.CallSid === callSid && f.CallStatus === 'completed');
  expect(/^\d+$/.test(completed.fields.CallDuration || ''), 'completed callback CallDuration',
         'whole seconds', completed.fields.CallDuration);
  const events = requestsTo('/status', (f) => f.CallSid === callSid)
    .map((r) => r.fields)
    .sort((a, b) => Number(a.SequenceNumber) - Number(b.SequenceNumber));
  expectEqual('status callbacks in SequenceNumber order', 'initiated ringing in-progress completed',
              events.map((f) => f.CallStatus).join(' '));
  expectEqual('status callback SequenceNumbers', '0 1 2 3',
              events.map((f) => f.SequenceNumber).join(' '));
  expect(events.every((f) => f.CallbackSource === 'call-progress-events'),
         'CallbackSource of every callback', 'call-progress-events',
         events.map((f) => f.CallbackSource));
  pass('status callbacks: initiated, ringing, in-progress, completed');
}

function validateEveryWebhook() {
  step('6. every webhook request passes twilio.validateRequest');
  const minimum = 9;  // voice, 4 status, redirected, 2 agent-status, app
  expect(recorded.length >= minimum, 'webhook requests recorded', `at least ${minimum}`,
         recorded.length);
  for (const r of recorded) {
    const signature = r.headers['x-twilio-signature'];
    expect(signature, `${r.method} ${r.url} carries X-Twilio-Signature`, 'a signature header',
           r.headers);
    // GET: the parameters are in r.url and r.params is {}, as the webhook-security doc says.
    expect(twilio.validateRequest(authToken, signature, r.url, r.params),
           `validateRequest(${r.method} ${r.url})`, 'true', { signature, params: r.params });
  }
  const perPath = {};
  for (const { method, path: pathname } of recorded)
    perPath[`${method} ${pathname}`] = (perPath[`${method} ${pathname}`] || 0) + 1;
  pass(`${recorded.length} webhook requests validated: ${JSON.stringify(perPath)}`);
  const alerts = requestsTo('/debugger');
  for (const alert of alerts)
    console.log(`  debugger alert: ${alert.fields.Level} ${alert.fields.Payload}`);
  expect(alerts.every((a) => a.fields.Level !== 'ERROR'), 'no ERROR alert in a valid flow', 'none',
         alerts.map((a) => a.fields.Payload));
}

async function refusals(client, appSid) {
  step('7. a wrong auth token is refused; a deleted application is gone');
  const intruder = clientWith('not-the-auth-token');
  const error = await rejection(intruder.calls.list({ limit: 1 }),
                                'calls.list with a wrong auth token');
  expect(error instanceof twilio.RestException, 'the error is a RestException', 'RestException',
         String(error));
  expectEqual('RestException status', 401, error.status);
  expectEqual('RestException code', 20003, error.code);
  pass('wrong token: RestException 401 / 20003');

  expectEqual('applications(sid).remove()', true, await client.applications(appSid).remove());
  const gone = await rejection(client.applications(appSid).fetch(),
                               'fetching the deleted application');
  expect(gone instanceof twilio.RestException, 'the error is a RestException', 'RestException',
         String(gone));
  expectEqual('deleted application fetch status', 404, gone.status);
  pass('deleted application: RestException 404');
}

function reportFailure(error) {
  // A step's failure says Expected/Actual; only an unexpected error needs its stack.
  console.error(error instanceof StepFailure ? `FAIL ${error.message}`
                                             : `FAIL (unexpected error) ${error.stack || error}`);
  if (error instanceof twilio.RestException)
    console.error(`  RestException status=${error.status} code=${error.code}: ${error.message}`);
  for (const x of restExchanges.slice(-3)) {
    const sent = JSON.stringify(x.data || x.params || {});
    const body = typeof x.body === 'string' ? x.body : JSON.stringify(x.body);
    console.error(`  REST ${x.method} ${x.uri} ${sent} -> ${x.statusCode} ${body}`);
  }
  for (const { method, path: pathname, fields } of recorded)
    console.error(`  webhook ${method} ${pathname} ${fields.CallSid} ${fields.CallStatus}`);
}

async function main() {
  // TWILIO_EDGE/TWILIO_REGION would turn api.twilio.com into a host the rewrite does not know.
  for (const name of ['TWILIO_EDGE', 'TWILIO_REGION', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'])
    delete process.env[name];
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.webhookPort, settings.webhookAddress, resolve);
  });
  console.log(`webhook server at ${webhookBase}; REST at ${settings.restBase}`);
  const client = clientWith(authToken);
  const appSid = await applicationsCrud(client);
  const callSid = await placeCall(client);
  const agentSid = await redirectToSipAgent(client, callSid);
  await redirectToApplication(client, callSid, appSid, agentSid);
  await endCall(client, callSid);
  validateEveryWebhook();
  await refusals(client, appSid);
}

const overall = setTimeout(() => {
  console.error(`FAIL: the test took over 150s (last step: ${currentStep})`);
  process.exit(1);
}, 150_000);

main().then(
  () => {
    console.log('all steps passed');
    return 0;
  },
  (error) => {
    reportFailure(error);
    return 1;
  },
).then((status) => {
  clearTimeout(overall);
  server.closeAllConnections();
  server.close(() => process.exit(status));
});
