import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { RedisServerHandle } from '../helpers/redis-server.js';
import { startRedisServer } from '../helpers/redis-server.js';
import { AttackLog, bearer, idNumberPlanter, overWebSocket, postGraphQL, wsClient } from './support.js';
import { dumpRedis } from '../helpers/redis-dump.js';

/**
 * A caller sends national ID numbers in every malformed shape graphql-js would quote back (a number where a string
 * belongs, an unknown field beside it, the wrong type for the whole input, a syntax error next to it), over HTTP and
 * WebSocket, and some valid checks. Afterwards no response, no log line and no Redis key or value holds any of them.
 */
const KEY = 'privacy-key-0000001';
/** Fresh 11-digit numbers ending in 0 (the simulator approves those). */
const { planted, next: idNumber } = idNumberPlanter('4', '0');
/**
 * A fresh number written in groups of three joined by underscores (`410_000_000_0`): the only way to group digits inside a
 * GraphQL name, which allows no space, dot or hyphen. Planted as written, so the final checks search for it.
 */
const underscoredIdNumber = () => {
  const grouped = idNumber().replace(/\d{3}(?=\d)/g, '$&_');
  planted.add(grouped);
  return grouped;
};

let redis: RedisServerHandle;
let gw: TestGateway;
const log = new AttackLog();

beforeAll(async () => {
  redis = await startRedisServer();
  gw = await startTestGateway({ env: { GATEWAY_API_KEYS: `${KEY}:*`, REDIS_URL: redis.url, VERIFF_REGISTRY_MODE: 'sync', EMAIL_WATCH_INTERVAL_MS: '3600000', RATE_LIMIT_BURST: '1000' } });
});

afterAll(async () => {
  await gw?.stop();
  await redis?.stop();
});

const VALIDATE = 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename ... on ValidateRegistrySuccess { registryCheck { idNumberLast4 status } } ... on InputError { fieldErrors { path message } } } }';

/** The malformed requests, each as [label, GraphQL-over-HTTP body]; built once per transport with fresh numbers. */
function attacks(): [string, { query: string; variables?: Record<string, unknown> }][] {
  const literalNumber = idNumber();
  const variableNumber = idNumber();
  const unknownField = idNumber();
  const wrongType = idNumber();
  const scalarVariable = idNumber();
  const syntax = idNumber();
  const controlCharacter = idNumber();
  const nested = idNumber();
  const enumName = idNumber();
  const variableDefault = idNumber();
  const wholeInput = idNumber();
  return [
    ['number literal', { query: `mutation { validateRegistry(input: { idNumber: ${literalNumber}, fullName: "Ann Lee", dateOfBirth: "1980-01-08" }) { __typename } }` }],
    ['number in a variable', { query: VALIDATE, variables: { i: { idNumber: Number(variableNumber), fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } } }],
    ['unknown field beside it', { query: VALIDATE, variables: { i: { idNumber: unknownField, fullName: 'Ann Lee', dateOfBirth: '1980-01-08', shoeSize: 44 } } }],
    ['the whole input as a string', { query: VALIDATE, variables: { i: wrongType } }],
    ['idNumber through a String variable given a number', { query: 'mutation V($n: String!) { validateRegistry(input: { idNumber: $n, fullName: "Ann Lee" }) { __typename } }', variables: { n: Number(scalarVariable) } }],
    ['a syntax error next to it', { query: `mutation { validateRegistry(input: { idNumber "${syntax}" }) { __typename } }` }],
    ['a control character in it', { query: VALIDATE, variables: { i: { idNumber: `${controlCharacter}\u0000`, fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } } }],
    ['inside a list where an object belongs', { query: VALIDATE, variables: { i: { idNumber: [nested], fullName: 'Ann Lee', address: nested } } }],
    ['a literal of the wrong type', { query: `mutation { validateRegistry(input: { idNumber: ["${idNumber()}"], fullName: "Ann Lee", dateOfBirth: "1980-01-08" }) { __typename } }` }],
    ['an enum name holding it', { query: `mutation { validateRegistry(input: { idNumber: ID${enumName}, fullName: "Ann Lee", dateOfBirth: "1980-01-08" }) { __typename } }` }],
    ['the default of the variable given for it', { query: `mutation V($n: String = ${variableDefault}) { validateRegistry(input: { idNumber: $n, fullName: "Ann Lee" }) { __typename } }` }],
    ['a string literal where the whole input belongs', { query: `mutation { validateRegistry(input: "${wholeInput}") { __typename } }` }],
    // An ID number typed where something else belongs is still an ID number: no value of any field is quoted back.
    ['a number literal as a handle', { query: `{ contact(provider: OPENPROVIDER, handle: ${idNumber()}) { handle } }` }],
    ['a number variable as a handle', { query: 'query C($h: String!) { contact(provider: OPENPROVIDER, handle: $h) { handle } }', variables: { h: Number(idNumber()) } }],
    ['a number as an email filter', { query: `{ emailVerifications(filter: { email: ${idNumber()} }) { totalCount } }` }],
    ['a number where an enum belongs', { query: `{ contact(provider: P${idNumber()}, handle: "h-1") { handle } }` }],
    ['a number in a list variable of strings', { query: 'query C($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }', variables: { h: ['h-1', Number(idNumber())] } }],
    // Pothos quoted a malformed global id ("Invalid global ID: ..."), and graphql-js an unknown key of a variable's object.
    ['a number as a node id', { query: `{ node(id: "${idNumber()}") { id } }` }],
    ['a number among the ids of nodes', { query: 'query N($i: [ID!]!) { nodes(ids: $i) { id } }', variables: { i: [idNumber()] } }],
    ['a key of the input object', { query: VALIDATE, variables: { i: { idNumber: 'x-1', fullName: 'Ann Lee', [idNumber()]: 1 } } }],
    // The operation's name labels the request metrics, which /metrics prints to anyone.
    ['the name of the operation', { query: `mutation ID${idNumber()} { validateRegistry(input: { idNumber: "x" }) { ... on InputError { fieldErrors { path message } } } }` }],
    // graphql-js quotes the caller's unknown names as well: a name cannot be all digits, but it can hold an ID number.
    ['an unknown field named after it', { query: `{ providers { f${idNumber()} } }` }],
    ['an unknown argument named after it', { query: `{ providers(a${idNumber()}: 1) { provider } }` }],
    ['an undefined variable named after it', { query: `{ contact(provider: OPENPROVIDER, handle: $v${idNumber()}) { handle } }` }],
    ['an unknown type named after it', { query: `query Q($v: T${idNumber()}) { providers { provider } }` }],
    ['an unknown fragment named after it', { query: `{ providers { ...F${idNumber()} } }` }],
    ['an unknown directive named after it', { query: `{ providers @d${idNumber()} { provider } }` }],
    // A name can hold the number in groups as well (digits joined by underscores), none of them four digits long.
    ['the name of the operation, its digits in groups', { query: `mutation ID${underscoredIdNumber()} { validateRegistry(input: { idNumber: "x" }) { ... on InputError { fieldErrors { path message } } } }` }],
    ['an unknown field named after it, its digits in groups', { query: `{ providers { f${underscoredIdNumber()} } }` }],
    ['an unknown argument named after it, its digits in groups', { query: `{ providers(a${underscoredIdNumber()}: 1) { provider } }` }],
    ['a key of an object where a list of strings belongs', { query: 'query C($h: [String!]!) { contacts(provider: REALTIME_REGISTER, handles: $h) { handle } }', variables: { h: { [idNumber()]: 'h-1' } } }],
  ];
}

describe('ID numbers in malformed input', () => {
  it('are never quoted back over HTTP, also when the same document comes again (parse and validation are cached)', async () => {
    for (const [label, body] of attacks()) {
      for (const attempt of ['first', 'again']) {
        const reply = await postGraphQL(gw, log, `http: ${label} (${attempt})`, body, bearer(KEY));
        expect(reply.status, label).toBeLessThan(500);
        expect(reply.json.errors?.length ?? reply.json.data?.validateRegistry?.fieldErrors?.length, label).toBeGreaterThan(0);
      }
    }
  });

  it('are never quoted back over WebSocket, and each bad operation fails alone', async () => {
    const client = wsClient(gw, KEY, { lazy: false });
    try {
      for (const [label, body] of attacks()) await overWebSocket(client, log, `ws: ${label}`, body);
      const { results } = await overWebSocket(client, log, 'ws: still open', { query: '{ providers { provider } }' });
      expect(results[0]?.data).toBeDefined();
    } finally {
      await client.dispose();
    }
  });

  it('are never quoted back from a body or a parameter that is not JSON, on every HTTP way in, and none is a server error', async () => {
    const send = async (label: string, path: string, init: RequestInit) => {
      const response = await fetch(`${gw.url}${path}`, { ...init, headers: { ...bearer(KEY), ...(init.headers as Record<string, string>) } });
      const text = await response.text();
      log.record(`http: ${label}`, response.status, text);
      return { status: response.status, text };
    };
    const query = (literal: string) => `mutation { validateRegistry(input: { idNumber: "${literal}", fullName: "Ann Lee" }) { __typename } }`;
    // Each body breaks right after the number: V8 quotes the text around the fault, yoga the whole body.
    const json = { 'content-type': 'application/json' };
    expect((await send('POST, the body cut short', '/graphql', { method: 'POST', headers: json, body: `{"query":${JSON.stringify(query(idNumber()))}` })).status).toBe(400);
    expect((await send('POST, a bad token after it', '/graphql', { method: 'POST', headers: json, body: `{"variables":{"n":"${idNumber()}",x}}` })).status).toBe(400);
    const sse = await send('POST for text/event-stream', '/graphql', { method: 'POST', headers: { ...json, accept: 'text/event-stream' }, body: `{"variables":{"n":"${idNumber()}",x}}` });
    expect(sse.text).toContain('not valid JSON');
    const token = (await send('PUT a single-connection stream', '/graphql', { method: 'PUT' })).text;
    const single = await send('single-connection POST', '/graphql', { method: 'POST', headers: { ...json, 'x-graphql-event-stream-token': token }, body: `{"variables":{"n":"${idNumber()}",x}}` });
    expect(single.status).toBe(400);
    const get = (name: string) => `/graphql?query=${encodeURIComponent('{ providers { provider } }')}&${name}=${encodeURIComponent(`{"n":"${idNumber()}",x}`)}`;
    expect((await send('GET, variables not JSON', get('variables'), { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(400);
    expect((await send('GET, extensions not JSON', get('extensions'), { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(400);
    // The content type is quoted in the 415 (which type was refused): the caller's header, so its numbers are masked.
    const typed = await send('POST with an ID number as the content type', '/graphql', { method: 'POST', headers: { 'content-type': `application/${idNumber()}` }, body: '{}' });
    expect(typed.status).toBe(415);
    expect(typed.text).toContain('Unsupported content type \\"application/[redacted]\\"');
    const grouped = `${idNumber().replace(/\d{4}(?=\d)/g, '$& ')}`;
    planted.add(grouped);
    expect((await send('POST with an ID number in groups as the content type', '/graphql', { method: 'POST', headers: { 'content-type': `text/x ${grouped}` }, body: '{}' })).status).toBe(415);
    const form = new URLSearchParams({ query: '{ providers { provider } }', variables: `{"n":"${idNumber()}",x}` }).toString();
    expect((await send('form POST, variables not JSON', '/graphql', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form })).status).toBe(400);
  });

  it('are never quoted back on a single-connection SSE stream, where a variable that does not coerce errors its operation', async () => {
    const token = await (await fetch(`${gw.url}/graphql`, { method: 'PUT', headers: bearer(KEY) })).text();
    const stream = new AbortController();
    const opened = await fetch(`${gw.url}/graphql?token=${token}`, { headers: { ...bearer(KEY), accept: 'text/event-stream' }, signal: stream.signal });
    const reader = opened.body!.getReader();
    const number = idNumber();
    // graphql-sse takes a result without `data` (a request error) for execution arguments: it answered the POST with a
    // 400 "Unable to detect operation AST" instead of the operation's errors on its stream.
    const posted = await fetch(`${gw.url}/graphql`, {
      method: 'POST',
      headers: { ...bearer(KEY), 'content-type': 'application/json', 'x-graphql-event-stream-token': token },
      body: JSON.stringify({ query: VALIDATE, variables: { i: { idNumber: Number(number), fullName: 'Ann Lee' } }, extensions: { operationId: 'coerce' } }),
    });
    const postedText = await posted.text();
    log.record('sse single: POST with a number for idNumber', posted.status, postedText);
    let text = '';
    try {
      expect(posted.status, postedText).toBe(202);
      while (!text.includes('event: complete')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    } finally {
      stream.abort();
    }
    log.record('sse single: the stream', 200, text);
    expect(text).toContain('"id":"coerce"');
    expect(text).toContain('String cannot represent a non string value: [redacted]');
  });

  it('still say which field was wrong, without the value', async () => {
    const reply = await postGraphQL(gw, log, 'http: message check', { query: VALIDATE, variables: { i: { idNumber: 49912319990, fullName: 'Ann Lee' } } }, bearer(KEY));
    planted.add('49912319990');
    expect(reply.json.errors[0].message).toBe('Variable "$i" got invalid value [redacted] at "i.idNumber"; String cannot represent a non string value: [redacted]');
    // A variable that does not coerce is the caller's input fault, coded like every other one.
    expect(reply.json.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});

describe('ID numbers typed where a handle, a customer or a filter belongs', () => {
  const EVIDENCE = '{ verifiedAt: "2026-11-20T00:00:00Z", externalId: "kyc-1", method: ELECTRONIC_DOCUMENT, proof: ID_CARD, claims: [NAME] }';
  const RESULT = '__typename ... on Error { message } ... on InputError { fieldErrors { path message } }';

  it('are not quoted back by the provider\'s "no such contact or customer" (Realtime Register writes "Contact <handle> does not exist")', async () => {
    const sent: [string, string, string][] = [
      ['evidence for a handle that does not exist', 'submitContactVerification', `mutation { submitContactVerification(input: { handle: "${idNumber()}", verifications: [${EVIDENCE}] }) { ${RESULT} } }`],
      ['evidence under a customer that does not exist', 'submitContactVerification', `mutation { submitContactVerification(input: { handle: "rtr-0002", customer: "${idNumber()}", verifications: [${EVIDENCE}] }) { ${RESULT} } }`],
      ['a reminder for a handle that does not exist', 'resendEmailVerification', `mutation { resendEmailVerification(input: { provider: REALTIME_REGISTER, handle: "${idNumber()}" }) { ${RESULT} } }`],
      ['a reminder under a customer that does not exist', 'resendEmailVerification', `mutation { resendEmailVerification(input: { provider: REALTIME_REGISTER, customer: "${idNumber()}", handle: "rtr-0002" }) { ${RESULT} } }`],
      ['a contact under a customer that does not exist', 'createContact', `mutation { createContact(input: { handle: "h-privacy-1", customer: "${idNumber()}", name: "Ann Lee", addressLines: ["Street 1"], city: "Berlin", country: "DE", postalCode: "10115", email: "ann@example.com", voice: "+49.301234567" }) { ${RESULT} } }`],
    ];
    for (const [label, field, query] of sent) {
      const reply = await postGraphQL(gw, log, `http: ${label}`, { query }, bearer(KEY));
      // The provider was asked and said no: the answer still says what went wrong, in the gateway's words.
      expect(reply.json.errors, `${label}: ${reply.text}`).toBeUndefined();
      expect(reply.json.data[field].__typename, label).toMatch(/NotFoundError|InputError/);
      expect(reply.text, label).toMatch(/Realtime Register has no such (contact or customer|customer)/);
    }
  });

  it('are not quoted back when the verification request named beside them is another contact\'s', async () => {
    // The sandbox's seeded DENIC requests are stored shortly after start (its notifications are delivered then).
    let requestId: string | undefined;
    for (let attempt = 0; attempt < 200 && !requestId; attempt++) {
      const listed = await postGraphQL(gw, log, 'http: a verification request to name', { query: '{ verificationRequests(first: 1) { edges { node { id } } } }' }, bearer(KEY));
      requestId = listed.json.data.verificationRequests.edges[0]?.node.id;
      if (!requestId) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(requestId).toBeTruthy();
    const number = idNumber();
    const query = `mutation { submitContactVerification(input: { handle: "${number}", requestId: "${requestId}", verifications: [${EVIDENCE}] }) { ${RESULT} } }`;
    const reply = await postGraphQL(gw, log, 'http: an ID number as the handle beside another contact\'s request', { query }, bearer(KEY));
    // Still says what is wrong, without the handle as typed.
    expect(reply.json.data.submitContactVerification.fieldErrors).toContainEqual({ path: ['requestId'], message: 'This request is for another contact.' });
  });

  it('are not quoted back as a page size out of range (an Int holds ten digits, as some ID numbers have)', async () => {
    const number = 1_991_231_999;
    const reply = await postGraphQL(gw, log, 'http: an ID number as the page size', { query: `{ emailVerifications(first: ${number}) { totalCount } }` }, bearer(KEY));
    expect(reply.text).toContain('first must be from 0 to');
    expect(reply.text).not.toContain(String(number));
  });

  it('keep a handle Openprovider does not have out of Redis keys, though it is remembered as absent (the key was the handle as typed)', async () => {
    const openprovider = gw.sandbox!.openprovider.server;
    const asked = [idNumber(), idNumber(), idNumber()];
    const lookups = () => openprovider.requests.filter((request) => asked.some((number) => request.path.endsWith(`/customers/${number}`))).length;
    const one = await postGraphQL(gw, log, 'http: an ID number as an Openprovider handle', { query: 'query C($h: String!) { contact(provider: OPENPROVIDER, handle: $h) { handle } }', variables: { h: asked[0] } }, bearer(KEY));
    expect(one.json).toEqual({ data: { contact: null } });
    const client = wsClient(gw, KEY);
    try {
      const { results } = await overWebSocket(client, log, 'ws: ID numbers as Openprovider handles', { query: 'query C($h: [String!]!) { contacts(provider: OPENPROVIDER, handles: $h) { handle } }', variables: { h: asked.slice(1) } });
      expect(results[0]?.data).toEqual({ contacts: [null, null] });
    } finally {
      await client.dispose();
    }
    expect(lookups()).toBeGreaterThan(0);
    // Still remembered as absent: asking again makes no call (what the marker is for); the final check below finds no
    // planted number in any Redis key. A marker is rightly not written when a contact invalidation (the sandbox's own
    // webhooks) lands during the read, or a loaded Redis does not take the write in time: so the same ask is repeated
    // up to three times, and one of them must cost no call (without the marker, each costs a call per handle).
    const callsPerAsk: number[] = [];
    for (let ask = 0; ask < 3 && !callsPerAsk.includes(0); ask++) {
      const before = lookups();
      await postGraphQL(gw, log, `http: the same Openprovider handles again (${ask + 1})`, { query: 'query C($h: [String!]!) { contacts(provider: OPENPROVIDER, handles: $h) { handle } }', variables: { h: asked } }, bearer(KEY));
      callsPerAsk.push(lookups() - before);
    }
    expect(callsPerAsk).toContain(0);
    const dump = await dumpRedis(redis.url);
    expect(dump).toContain('vgw:v1:contact:');
    expect(asked.filter((number) => dump.includes(number))).toEqual([]);
  });

  it('keep filter text out of Redis keys: a list page is cached under the digest of its query', async () => {
    const filters = [`email: "${idNumber()}@example.com"`, `handle: "${idNumber()}"`, `domain: "${idNumber()}.example"`];
    for (const filter of filters) {
      const reply = await postGraphQL(gw, log, `http: email verifications by ${filter.split(':')[0]}`, { query: `{ emailVerifications(filter: { ${filter}, providers: [OPENPROVIDER] }) { totalCount } }` }, bearer(KEY));
      expect(reply.json.data.emailVerifications.totalCount).toBe(0);
    }
    // The pages were cached (so the final Redis check below would see their keys), under digests.
    const keys = (await dumpRedis(redis.url)).split('\n').filter((line) => line.includes(':list-page:'));
    expect(keys.length).toBeGreaterThanOrEqual(filters.length);
  });
});

describe('an ID number as the x-request-id', () => {
  it('is not taken as the request id: that id is in the request\'s log lines and in every provider call\'s headers', async () => {
    const number = idNumber();
    const variables = { i: { idNumber: idNumber(), fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } };
    const reply = await postGraphQL(gw, log, 'http: an ID number as x-request-id', { query: VALIDATE, variables }, { ...bearer(KEY), 'x-request-id': number });
    expect(reply.json.data.validateRegistry.registryCheck.status).toBe('APPROVED');
    // The check was logged with its request id, and Veriff was called with it: neither is the caller's number.
    expect(gw.logs()).toContain('registry check submitted to Veriff');
    const veriff = gw.sandbox!.veriff;
    const sent = [...veriff.server.requests, ...veriff.syncServer.requests].map((request) => JSON.stringify(request.headers));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((headers) => headers.includes(number))).toEqual([]);
    // An ordinary request id is still taken, for matching the gateway's logs with a proxy's.
    await postGraphQL(gw, log, 'http: an ordinary x-request-id', { query: VALIDATE, variables: { i: { ...variables.i, idNumber: idNumber() } } }, { ...bearer(KEY), 'x-request-id': 'proxy-req-7f3a-b2' });
    expect(veriff.syncServer.requests.at(-1)!.headers['x-request-id']).toBe('proxy-req-7f3a-b2');
  });
});

describe('valid checks', () => {
  it('answer with the last four characters only', async () => {
    for (const transport of ['http', 'ws'] as const) {
      const number = idNumber();
      const variables = { i: { idNumber: number, fullName: 'Ann Lee', dateOfBirth: '1980-01-08' } };
      if (transport === 'http') {
        const reply = await postGraphQL(gw, log, 'http: valid check', { query: VALIDATE, variables }, bearer(KEY));
        expect(reply.json.data.validateRegistry.registryCheck).toEqual({ idNumberLast4: number.slice(-4), status: 'APPROVED' });
      } else {
        const client = wsClient(gw, KEY);
        try {
          const { results } = await overWebSocket(client, log, 'ws: valid check', { query: VALIDATE, variables });
          expect((results[0]?.data as any).validateRegistry.registryCheck.idNumberLast4).toBe(number.slice(-4));
        } finally {
          await client.dispose();
        }
      }
    }
  });

  it('refuses an ID number repeated in vendorData, a name or an address (they are stored and returned), before anything is sent', async () => {
    const number = idNumber();
    const spaced = number.replace(/(\d{3})/g, '$1 ');
    const variables = { i: { idNumber: number, firstName: 'Ann', lastName: 'Lee', dateOfBirth: '1980-01-08', vendorData: `customer ${number}`, address: { fullAddress: `Street 1, ${spaced}` } } };
    const reply = await postGraphQL(gw, log, 'http: ID number repeated in other fields', { query: VALIDATE, variables }, bearer(KEY));
    expect(reply.json.data.validateRegistry.fieldErrors.map((error: { path: string[] }) => error.path.join('.')).sort()).toEqual(['address.fullAddress', 'vendorData']);
  });

  it('refuses it repeated in another script\'s digits too: full-width or Arabic-Indic in either field is the same number', async () => {
    const inScript = (text: string, zero: number) => text.replace(/\d/g, (digit) => String.fromCodePoint(zero + Number(digit)));
    const cases: [string, string, string][] = [
      ['full-width idNumber, ASCII vendorData', inScript(idNumber(), 0xff10), ''],
      ['ASCII idNumber, full-width vendorData', idNumber(), 'full-width'],
      ['ASCII idNumber, Arabic-Indic vendorData', idNumber(), 'arabic-indic'],
    ];
    for (const [label, given, vendorScript] of cases) {
      const ascii = given.replace(/[\uff10-\uff19]/g, (digit) => String(digit.codePointAt(0)! - 0xff10));
      planted.add(ascii);
      const vendorData = vendorScript === 'full-width' ? inScript(ascii, 0xff10) : vendorScript === 'arabic-indic' ? inScript(ascii, 0x0660) : ascii;
      const variables = { i: { idNumber: given, fullName: 'Ann Lee', dateOfBirth: '1980-01-08', vendorData: `customer ${vendorData}` } };
      const reply = await postGraphQL(gw, log, `http: ${label}`, { query: VALIDATE, variables }, bearer(KEY));
      expect(reply.json.data.validateRegistry.fieldErrors?.map((error: { path: string[] }) => error.path.join('.')), label).toEqual(['vendorData']);
    }
  });

  it('refuses an ID number as the last group of the endUserId UUID (twelve digits), which is stored and returned too', async () => {
    const number = idNumber();
    const variables = { i: { idNumber: number, fullName: 'Ann Lee', dateOfBirth: '1980-01-08', endUserId: `00000000-0000-4000-8000-${number}` } };
    const query = 'mutation V($i: ValidateRegistryInput!) { validateRegistry(input: $i) { __typename ... on InputError { fieldErrors { path code } } ... on ValidateRegistrySuccess { registryCheck { endUserId } } } }';
    const reply = await postGraphQL(gw, log, 'http: ID number inside endUserId', { query, variables }, bearer(KEY));
    expect(reply.json.data.validateRegistry).toEqual({ __typename: 'InputError', fieldErrors: [{ path: ['endUserId'], code: 'INVALID_VALUE' }] });
    // Another UUID still goes through.
    const other = await postGraphQL(gw, log, 'http: an ordinary endUserId', { query, variables: { i: { ...variables.i, idNumber: idNumber(), endUserId: '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b' } } }, bearer(KEY));
    expect(other.json.data.validateRegistry.registryCheck.endUserId).toBe('6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b');
  });
});

describe('after every attack', () => {
  it('no response holds an ID number, and none was a server error', () => {
    expect(planted.size).toBeGreaterThan(15);
    const leaks = [...planted].flatMap((number) => log.containing(number).map((label) => `${number} in ${label}`));
    expect(leaks).toEqual([]);
    expect(log.serverErrors()).toEqual([]);
  });

  it('no log line holds an ID number', () => {
    const logs = gw.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect([...planted].filter((number) => logs.includes(number))).toEqual([]);
  });

  it('no metric label holds an ID number', async () => {
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('gateway_graphql_requests_total{operation="V"');
    expect([...planted].filter((number) => metrics.includes(number))).toEqual([]);
  });

  it('no Redis key or value holds an ID number', async () => {
    const text = await dumpRedis(redis.url);
    // The store was used (registry checks, events, rate limits), and none of it holds a planted number.
    expect(text).toContain('APPROVED');
    expect([...planted].filter((number) => text.includes(number))).toEqual([]);
  });
});
