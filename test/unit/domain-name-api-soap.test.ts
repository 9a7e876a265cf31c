import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { NotFound, ProviderFailure } from '../../src/domain/errors.js';
import type { UpstreamResponse } from '../../src/providers/http.js';
import { dnaTimestampToIso, resultFailure, toDetails, unreadableFailure } from '../../src/providers/domain-name-api/map.js';
import {
  buildContactRequest,
  looksLikeSoapEnvelope,
  NotSoapError,
  parseContactResponse,
  soapAction,
  soapHeaders,
} from '../../src/providers/domain-name-api/soap.js';

const ENVELOPE = (inner: string) =>
  `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${inner}</s:Body></s:Envelope>`;

const BASE_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
const DATA_NS = 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts';

/** A result as WCF writes it: base members under a:, the derived contract's under b: (prefixes are the sender's choice). */
const RESULT = (operation: string, fields: string, dataNs = DATA_NS) =>
  ENVELOPE(
    `<${operation}Response xmlns="http://tempuri.org/"><${operation}Result xmlns:a="${BASE_NS}" xmlns:b="${dataNs}" ` +
      `xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${fields}</${operation}Result></${operation}Response>`,
  );

const DETAILS =
  '<a:ErrorCode>1000</a:ErrorCode><a:OperationMessage>Command completed successfully</a:OperationMessage><a:OperationResult>SUCCESS</a:OperationResult>' +
  '<b:AddressLine1>Kerk &amp; Straat 1</b:AddressLine1><b:AddressLine2 i:nil="true"/><b:City>Istanbul</b:City><b:ContactEmail>example@customer.com</b:ContactEmail>' +
  '<b:Country>tr</b:Country><b:ExpirationDate>2026-04-05T10:00:00</b:ExpirationDate><b:ExternalId>DNA-111</b:ExternalId><b:FirstName>Ayse</b:FirstName>' +
  '<b:LastName>Kaya</b:LastName><b:LastNotificationDate>2026-02-05T09:30:00</b:LastNotificationDate><b:Phone>5551234567</b:Phone>' +
  '<b:PhoneCountryCode>90</b:PhoneCountryCode><b:VerificationStatus>NotValidated</b:VerificationStatus>';

const response = (status: number, body: string): UpstreamResponse => ({ status, headers: {}, body });

describe('SOAP request envelopes', () => {
  it('puts the credentials in the base namespace and the contact key in the derived one, and leaves absent members out', () => {
    const xml = buildContactRequest('GetDetails', { username: 'reseller', password: 'secret' }, { email: 'ann@example.net' });
    expect(xml).toContain('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">');
    expect(xml).toContain('<GetDetails xmlns="http://tempuri.org/">');
    expect(xml).toContain(`<request xmlns:a="${BASE_NS}" xmlns:b="${DATA_NS}">`);
    // WCF reads members in order: base class (Password, UserName), then the request's own (ContactEmail, ExternalId).
    expect(xml).toContain('<a:Password>secret</a:Password><a:UserName>reseller</a:UserName><b:ContactEmail>ann@example.net</b:ContactEmail></request>');
    expect(xml).not.toContain('ExternalId');
    const byHandle = buildContactRequest('GetDetails', { username: 'r', password: 'p' }, { email: '  ', externalId: 'DNA-1' });
    expect(byHandle).toContain('<a:UserName>r</a:UserName><b:ExternalId>DNA-1</b:ExternalId></request>');
    expect(byHandle).not.toContain('ContactEmail');
  });

  it('writes the namespaces it is configured with', () => {
    const xml = buildContactRequest('GetDetails', { username: 'r', password: 'p' }, { externalId: 'DNA-1' }, { base: 'urn:base', data: 'urn:data' });
    expect(xml).toContain('<request xmlns:a="urn:base" xmlns:b="urn:data">');
  });

  it('escapes XML special characters so a password cannot break the envelope', () => {
    const xml = buildContactRequest('ResendContactVerificationNotice', { username: 'r', password: `p<&>"'` }, { externalId: 'DNA-1' });
    const parsed = new XMLParser({ removeNSPrefix: true, parseTagValue: false }).parse(xml);
    expect(parsed.Envelope.Body.ResendContactVerificationNotice.request).toMatchObject({ Password: `p<&>"'`, ExternalId: 'DNA-1' });
  });

  it('names the operation in a quoted SOAPAction and sends text/xml', () => {
    expect(soapAction('GetDetails')).toBe('"http://tempuri.org/IContactApi/GetDetails"');
    expect(soapHeaders('ResendContactVerificationNotice')).toMatchObject({
      'content-type': 'text/xml; charset=utf-8',
      soapaction: '"http://tempuri.org/IContactApi/ResendContactVerificationNotice"',
    });
  });
});

describe('SOAP response parsing', () => {
  it('reads the result fields, with nil and empty elements as null and entities decoded', () => {
    const outcome = parseContactResponse('GetDetails', RESULT('GetDetails', DETAILS));
    expect(outcome.kind).toBe('result');
    const fields = (outcome as { fields: Record<string, string | null> }).fields;
    expect(fields).toMatchObject({ OperationResult: 'SUCCESS', AddressLine1: 'Kerk & Straat 1', AddressLine2: null, ExternalId: 'DNA-111' });
  });

  it('decodes character references (decimal, hex, beyond the BMP) once, as any XML reader must, and leaves escaped ones as text', () => {
    const fields = (
      parseContactResponse(
        'GetDetails',
        RESULT('GetDetails', '<a:OperationResult>SUCCESS</a:OperationResult><b:ContactEmail>j&#xFC;rgen&#64;example.net</b:ContactEmail><b:FirstName>J&#252;rgen &#x1F600;</b:FirstName><b:AddressLine1>Hof 1&#xD;&#xA;B</b:AddressLine1><b:LastName>&amp;#252;</b:LastName>'),
      ) as { fields: Record<string, string | null> }
    ).fields;
    expect(fields).toMatchObject({ ContactEmail: 'jürgen@example.net', FirstName: 'Jürgen 😀', AddressLine1: 'Hof 1\r\nB', LastName: '&#252;' });
  });

  it('reads members by namespace, whatever their prefix, and ignores (but names) members in another namespace', () => {
    const reprefixed = ENVELOPE(
      `<GetDetailsResponse xmlns="http://tempuri.org/"><GetDetailsResult><OperationResult xmlns="${BASE_NS}">SUCCESS</OperationResult>` +
        `<x:VerificationStatus xmlns:x="${DATA_NS}">Pending</x:VerificationStatus></GetDetailsResult></GetDetailsResponse>`,
    );
    expect(parseContactResponse('GetDetails', reprefixed)).toMatchObject({ fields: { OperationResult: 'SUCCESS', VerificationStatus: 'Pending' }, ignored: [] });
    const foreign = parseContactResponse('GetDetails', RESULT('GetDetails', DETAILS, 'urn:other'));
    expect(foreign).toMatchObject({ kind: 'result', fields: { OperationResult: 'SUCCESS' } });
    expect((foreign as { fields: Record<string, unknown> }).fields.VerificationStatus).toBeUndefined();
    expect((foreign as { ignored: string[] }).ignored).toContain('{urn:other}VerificationStatus');
  });

  it('maps GetDetails to a verification row with UTC dates and to a contact', () => {
    const outcome = parseContactResponse('GetDetails', RESULT('GetDetails', DETAILS)) as { fields: Record<string, string | null> };
    const details = toDetails(outcome.fields, 'UTC');
    expect(details.verification).toEqual({
      provider: 'DOMAIN_NAME_API',
      email: 'example@customer.com',
      handle: 'DNA-111',
      domain: null,
      status: 'NOT_VERIFIED',
      failureReason: null,
      providerStatus: 'NotValidated',
      suspended: null,
      expiresAt: '2026-04-05T10:00:00.000Z',
      lastNotifiedAt: '2026-02-05T09:30:00.000Z',
    });
    expect(details.contact).toMatchObject({ handle: 'DNA-111', name: 'Ayse Kaya', country: 'TR', voice: '+90.5551234567', addressLines: ['Kerk & Straat 1'] });
  });

  it('maps every VerificationStatus, Expired as FAILED with reason EXPIRED', () => {
    const status = (value: string) => toDetails({ VerificationStatus: value, ContactEmail: 'a@b.example' }).verification;
    expect(status('Pending')).toMatchObject({ status: 'PENDING' });
    expect(status('Validated')).toMatchObject({ status: 'VERIFIED' });
    expect(status('Expired')).toMatchObject({ status: 'FAILED', failureReason: 'EXPIRED' });
  });

  it('reads a SOAP fault', () => {
    const fault = ENVELOPE('<s:Fault><faultcode>s:Client</faultcode><faultstring xml:lang="en-US">Bad request</faultstring></s:Fault>');
    expect(parseContactResponse('GetDetails', fault)).toEqual({ kind: 'fault', code: 's:Client', message: 'Bad request' });
  });

  it('rejects HTML, empty, cut-short and foreign bodies as not SOAP', () => {
    const what = (body: string) => {
      try {
        parseContactResponse('GetDetails', body);
        return 'parsed';
      } catch (error) {
        return (error as NotSoapError).what;
      }
    };
    expect(what('<!DOCTYPE html><html><body>Just a moment...</body></html>')).toBe('html');
    expect(what('')).toBe('empty');
    expect(what(RESULT('GetDetails', DETAILS).slice(0, 120))).toBe('malformed');
    expect(what(RESULT('Other', DETAILS))).toBe('unexpected');
    expect(looksLikeSoapEnvelope('<?xml version="1.0"?><s:Envelope xmlns:s="x"></s:Envelope>')).toBe(true);
    expect(looksLikeSoapEnvelope('<html></html>')).toBe(false);
  });
});

describe('Domain Name API failures', () => {
  const error = (code: string, message: string) => ({ ErrorCode: code, OperationResult: 'ERROR', OperationMessage: message });

  it('maps the published codes: 410 not found, 2200 / 301 / credential texts auth, 360 / 361 retryable later', () => {
    expect(resultFailure(error('410', 'Contact not found.'), 'the lookup', { status: 200, headers: {} })).toBeInstanceOf(NotFound);
    for (const [code, text] of [['2200', 'Authentication error'], ['0', 'Invalid API credentials']] as const) {
      const failure = resultFailure(error(code, text), 'the lookup', { status: 200, headers: {} });
      expect(failure).toMatchObject({ kind: 'AUTH', retryable: false, code });
      expect(failure.message).toContain('DOMAIN_NAME_API_PASSWORD');
    }
    const ip = resultFailure(error('301', 'Your current IP address is not authorized to access.'), 'the lookup', { status: 200, headers: {} });
    expect(ip).toMatchObject({ kind: 'AUTH', retryable: false, code: '301' });
    expect(ip.message).toMatch(/whitelist this IP/);
    expect(resultFailure(error('360', 'API quota exceeded!'), 'the lookup', { status: 200, headers: {} })).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, code: '360' });
    expect(resultFailure(error('361', 'Throttled error!'), 'the lookup', { status: 200, headers: {} })).toMatchObject({ kind: 'RATE_LIMITED', retryable: true, code: '361' });
    // Under HTTP 429 with Retry-After, the caller is told when to come back.
    expect(resultFailure(error('361', 'Throttled error!'), 'the lookup', { status: 429, headers: { 'retry-after': '30' } })).toMatchObject({
      kind: 'RATE_LIMITED',
      httpStatus: 429,
      retryAfterSeconds: 30,
    });
    // The table gives 360 a second text: a bad field, not a quota.
    expect(resultFailure(error('360', 'Invalid API request for field (ExternalId).'), 'the lookup', { status: 200, headers: {} })).toMatchObject({ kind: 'ERROR', retryable: false });
  });

  it('gives 401 and 404 their published meanings, never "bad credentials" or "no such contact"', () => {
    const notSynced = resultFailure(error('401', 'Contact info can not sync.'), 'the lookup', { status: 200, headers: {} });
    expect(notSynced).toBeInstanceOf(ProviderFailure);
    expect(notSynced).toMatchObject({ kind: 'ERROR', code: '401', retryable: true });
    expect(notSynced.message).toContain('Contact info can not sync.');
    const registry = resultFailure(error('404', 'DOMAIN CONTACT CANNOT UPDATE. PERMISSION FROM THE REGISTRY.'), 'the notice', { status: 200, headers: {} });
    expect(registry).toBeInstanceOf(ProviderFailure);
    expect(registry).toMatchObject({ kind: 'ERROR', code: '404', retryable: false });
    expect(registry.message).toMatch(/registry/i);
  });

  it('passes any other code and its text through, without email addresses', () => {
    const failure = resultFailure(error('420', 'Invalid Api command for contact ann@example.net.'), 'the notice', { status: 200, headers: {} });
    expect(failure).toMatchObject({ kind: 'ERROR', retryable: false, code: '420' });
    expect(failure.message).toContain('code 420: Invalid Api command for contact [email]');
    expect(resultFailure(error('999', 'Contact not found'), 'the lookup', { status: 200, headers: {} })).toBeInstanceOf(ProviderFailure);
  });

  it('treats HTML and empty bodies on 429/5xx as retryable, and an empty 200 as not', () => {
    expect(unreadableFailure(new NotSoapError('html'), response(503, '<html/>'), 'x')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(500, ''), 'x')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(429, ''), 'x')).toMatchObject({ kind: 'RATE_LIMITED', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(200, ''), 'x')).toMatchObject({ kind: 'ERROR', retryable: false });
  });

  it('reads offset-less timestamps in the configured zone (Istanbul by default), an offset as given, and DateTime.MinValue as none', () => {
    expect(dnaTimestampToIso('2026-04-05T10:00:00')).toBe('2026-04-05T07:00:00.000Z');
    expect(dnaTimestampToIso('2026-04-05T10:00:00', 'UTC')).toBe('2026-04-05T10:00:00.000Z');
    expect(dnaTimestampToIso('2026-04-05T10:00:00.1234567', 'UTC')).toBe('2026-04-05T10:00:00.123Z');
    expect(dnaTimestampToIso('2026-04-05T10:00:00+03:00', 'UTC')).toBe('2026-04-05T07:00:00.000Z');
    // The article's form has a T; the same time written with a space (as SQL Server prints it) is that time, not none.
    expect(dnaTimestampToIso('2026-04-05 10:00:00')).toBe('2026-04-05T07:00:00.000Z');
    expect(dnaTimestampToIso('2026-04-05 10:00:00+03:00', 'UTC')).toBe('2026-04-05T07:00:00.000Z');
    expect(dnaTimestampToIso('0001-01-01T00:00:00')).toBeNull();
    expect(dnaTimestampToIso('0001-01-01 00:00:00')).toBeNull();
    expect(dnaTimestampToIso('2026-02-30T00:00:00')).toBeNull();
    expect(dnaTimestampToIso('2026-02-30T00:00:00Z')).toBeNull();
    expect(dnaTimestampToIso(null)).toBeNull();
  });
});

describe('looksLikeSoapEnvelope over a long prolog', () => {
  it('skips declarations and comments by position, and gives up on an unclosed one after one pass', () => {
    expect(looksLikeSoapEnvelope('\uFEFF<?xml version="1.0"?>\n<!-- a -->\n<!-- b --><s:Envelope xmlns:s="x"/>')).toBe(true);
    expect(looksLikeSoapEnvelope('<!-- a --><html></html>')).toBe(false);
    // 200,000 unclosed comment openers: a backtracking pattern would take minutes; this is one indexOf.
    expect(looksLikeSoapEnvelope('<!--'.repeat(200_000))).toBe(false);
    expect(looksLikeSoapEnvelope(`${'<!-- x -->'.repeat(50_000)}<Envelope>`)).toBe(true);
  });
});
