import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { NotFound } from '../../src/domain/errors.js';
import type { UpstreamResponse } from '../../src/providers/http.js';
import { offsetlessUtcToIso, resultFailure, toDetails, unreadableFailure } from '../../src/providers/domain-name-api/map.js';
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

const RESULT = (operation: string, fields: string) =>
  ENVELOPE(
    `<${operation}Response xmlns="http://tempuri.org/"><${operation}Result xmlns:a="http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts" ` +
      `xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${fields}</${operation}Result></${operation}Response>`,
  );

const DETAILS =
  '<a:ErrorCode>0</a:ErrorCode><a:OperationMessage>Command completed successfully.</a:OperationMessage><a:OperationResult>SUCCESS</a:OperationResult>' +
  '<a:AddressLine1>Kerk &amp; Straat 1</a:AddressLine1><a:AddressLine2 i:nil="true"/><a:City>Istanbul</a:City><a:ContactEmail>example@customer.com</a:ContactEmail>' +
  '<a:Country>tr</a:Country><a:ExpirationDate>2026-04-05T10:00:00</a:ExpirationDate><a:ExternalId>DNA-111</a:ExternalId><a:FirstName>Ayse</a:FirstName>' +
  '<a:LastName>Kaya</a:LastName><a:LastNotificationDate>2026-02-05T09:30:00</a:LastNotificationDate><a:Phone>5551234567</a:Phone>' +
  '<a:PhoneCountryCode>90</a:PhoneCountryCode><a:VerificationStatus>NotValidated</a:VerificationStatus>';

const response = (status: number, body: string): UpstreamResponse => ({ status, headers: {}, body });

describe('SOAP request envelopes', () => {
  it('builds a SOAP 1.1 GetDetails envelope with credentials and the contact key inside the request element', () => {
    const xml = buildContactRequest('GetDetails', { username: 'reseller', password: 'secret' }, { email: 'ann@example.net' });
    expect(xml).toContain('<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">');
    expect(xml).toContain('<GetDetails xmlns="http://tempuri.org/">');
    expect(xml).toContain('<request xmlns:a="http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts">');
    // WCF reads members in order: base class (Password, UserName), then ContactEmail, ExternalId.
    expect(xml).toMatch(/<a:Password>secret<\/a:Password><a:UserName>reseller<\/a:UserName><a:ContactEmail>ann@example.net<\/a:ContactEmail><a:ExternalId><\/a:ExternalId>/);
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

  it('maps GetDetails to a verification row with UTC dates and to a contact', () => {
    const outcome = parseContactResponse('GetDetails', RESULT('GetDetails', DETAILS)) as { fields: Record<string, string | null> };
    const details = toDetails(outcome.fields);
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

  it('treats OperationResult ERROR as not retryable, "not found" as NotFound and refused credentials as AUTH', () => {
    expect(resultFailure(error('404', 'Contact not found.'), 'the lookup', 200)).toBeInstanceOf(NotFound);
    expect(resultFailure(error('1', 'Kayit bulunamadi'), 'the lookup', 200)).toBeInstanceOf(NotFound);
    expect(resultFailure(error('401', 'Invalid username or password.'), 'the lookup', 200)).toMatchObject({ kind: 'AUTH', retryable: false });
    expect(resultFailure(error('409', 'The contact email address is already validated.'), 'the notice', 200)).toMatchObject({
      kind: 'ERROR',
      retryable: false,
      code: '409',
    });
  });

  it('treats HTML and empty bodies on 429/5xx as retryable, and an empty 200 as not', () => {
    expect(unreadableFailure(new NotSoapError('html'), response(503, '<html/>'), 'x')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(500, ''), 'x')).toMatchObject({ kind: 'UNAVAILABLE', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(429, ''), 'x')).toMatchObject({ kind: 'RATE_LIMITED', retryable: true });
    expect(unreadableFailure(new NotSoapError('empty'), response(200, ''), 'x')).toMatchObject({ kind: 'ERROR', retryable: false });
  });

  it('reads offset-less timestamps as UTC and .NET DateTime.MinValue as none', () => {
    expect(offsetlessUtcToIso('2026-04-05T10:00:00')).toBe('2026-04-05T10:00:00.000Z');
    expect(offsetlessUtcToIso('2026-04-05T10:00:00.1234567')).toBe('2026-04-05T10:00:00.123Z');
    expect(offsetlessUtcToIso('2026-04-05T10:00:00+03:00')).toBe('2026-04-05T07:00:00.000Z');
    expect(offsetlessUtcToIso('0001-01-01T00:00:00')).toBeNull();
    expect(offsetlessUtcToIso('2026-02-30T00:00:00')).toBeNull();
    expect(offsetlessUtcToIso(null)).toBeNull();
  });
});
