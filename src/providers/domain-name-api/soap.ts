import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * The Domain Name API ContactApi.svc dialect in ONE module: namespaces, SOAP actions, element names, envelope
 * building and parsing. The service's WSDL is not public (providers/domain-name-api.md); everything marked
 * ASSUMPTION is modelled on the documented sibling DomainApi.svc (a WCF BasicHttpBinding, SOAP 1.1 service) and
 * is the place to correct against the real WSDL.
 */

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** ASSUMPTION: WCF's default service namespace, as on DomainApi.svc. */
export const SERVICE_NS = 'http://tempuri.org/';
/** ASSUMPTION: the data-contract namespace of DomainApi.svc's request objects. */
export const DATA_CONTRACT_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
/** ASSUMPTION: the service contract is named IContactApi. */
export const SERVICE_CONTRACT = 'IContactApi';
/** The default path of the service; configurable (DOMAIN_NAME_API_CONTACT_SERVICE_PATH). */
export const DEFAULT_CONTACT_SERVICE_PATH = '/ContactApi.svc';

/** The two operations the article names. */
export const DNA_OPERATIONS = ['GetDetails', 'ResendContactVerificationNotice'] as const;
export type DnaOperation = (typeof DNA_OPERATIONS)[number];

/** SOAP 1.1 SOAPAction header value, quotes included. */
export function soapAction(operation: DnaOperation): string {
  return `"${SERVICE_NS}${SERVICE_CONTRACT}/${operation}"`;
}

/** Request headers of every call. */
export function soapHeaders(operation: DnaOperation): Record<string, string> {
  return { 'content-type': 'text/xml; charset=utf-8', soapaction: soapAction(operation), accept: 'text/xml' };
}

/**
 * ASSUMPTION: element names. The request wrapper is `request`; credentials are the base-class members `Password`
 * and `UserName` (WCF orders base members first, each class alphabetically), then `ContactEmail` and `ExternalId`.
 */
export const REQUEST_ELEMENT = 'request';
export const REQUEST_FIELDS = { password: 'Password', username: 'UserName', email: 'ContactEmail', externalId: 'ExternalId' } as const;

/** ASSUMPTION: the answer is `<{Operation}Response><{Operation}Result>` holding flat fields. */
export function responseElement(operation: DnaOperation): string {
  return `${operation}Response`;
}
export function resultElement(operation: DnaOperation): string {
  return `${operation}Result`;
}

/** Base fields every result carries (documented for DomainApi.svc). */
export const RESULT_FIELDS = {
  errorCode: 'ErrorCode',
  operationResult: 'OperationResult',
  operationMessage: 'OperationMessage',
} as const;

/**
 * Data fields of GetDetails. The first four are named by the article; the contact fields are ASSUMPTION, modelled
 * on DomainApi.svc's contact data contract.
 */
export const DETAIL_FIELDS = {
  verificationStatus: 'VerificationStatus',
  expirationDate: 'ExpirationDate',
  lastNotificationDate: 'LastNotificationDate',
  contactEmail: 'ContactEmail',
  externalId: 'ExternalId',
  firstName: 'FirstName',
  lastName: 'LastName',
  company: 'Company',
  addressLine1: 'AddressLine1',
  addressLine2: 'AddressLine2',
  addressLine3: 'AddressLine3',
  city: 'City',
  state: 'State',
  zipCode: 'ZipCode',
  country: 'Country',
  phone: 'Phone',
  phoneCountryCode: 'PhoneCountryCode',
} as const;

export interface DnaCredentials {
  username: string;
  password: string;
}

/** Who the call is about: the contact's email, or its External ID (the handle). Both are optional on the wire. */
export interface DnaContactQuery {
  email?: string | null;
  externalId?: string | null;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

/** The SOAP 1.1 request envelope of an operation; text is XML-escaped by the builder. */
export function buildContactRequest(operation: DnaOperation, credentials: DnaCredentials, query: DnaContactQuery): string {
  const request = {
    '@_xmlns:a': DATA_CONTRACT_NS,
    [`a:${REQUEST_FIELDS.password}`]: credentials.password,
    [`a:${REQUEST_FIELDS.username}`]: credentials.username,
    [`a:${REQUEST_FIELDS.email}`]: query.email ?? '',
    [`a:${REQUEST_FIELDS.externalId}`]: query.externalId ?? '',
  };
  return builder.build({
    's:Envelope': {
      '@_xmlns:s': SOAP_ENVELOPE_NS,
      's:Body': { [operation]: { '@_xmlns': SERVICE_NS, [REQUEST_ELEMENT]: request } },
    },
  }) as string;
}

/** What came back: the result's fields (null for empty or nil elements), or a SOAP Fault. */
export type SoapOutcome =
  | { kind: 'result'; fields: Record<string, string | null> }
  | { kind: 'fault'; code: string; message: string };

/** The body is not a SOAP envelope at all: HTML (a WAF page), empty, cut short, or another XML document. */
export class NotSoapError extends Error {
  constructor(readonly what: 'empty' | 'html' | 'malformed' | 'unexpected') {
    super(`not a SOAP envelope (${what})`);
    this.name = 'NotSoapError';
  }
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
});

/** Cheap check used before parsing and by the retry hook: does the body look like a SOAP envelope? */
export function looksLikeSoapEnvelope(body: string): boolean {
  return /^\s*(<\?xml[^>]*>\s*)?<([\w.-]+:)?Envelope[\s>]/.test(body);
}

/** Parses an answer of `operation`. Throws NotSoapError when the body is not a SOAP envelope. */
export function parseContactResponse(operation: DnaOperation, body: string): SoapOutcome {
  if (!body.trim()) throw new NotSoapError('empty');
  if (/^\s*(<!doctype html|<html)/i.test(body)) throw new NotSoapError('html');
  if (!looksLikeSoapEnvelope(body) || XMLValidator.validate(body) !== true) throw new NotSoapError('malformed');
  const document = parser.parse(body) as Record<string, unknown>;
  const envelope = asObject(document.Envelope);
  const soapBody = asObject(envelope?.Body);
  if (!soapBody) throw new NotSoapError('unexpected');
  const fault = asObject(soapBody.Fault);
  if (fault) {
    // SOAP 1.1: faultcode/faultstring; tolerate a SOAP 1.2 Code/Reason too.
    const code = text(fault.faultcode) ?? text(asObject(fault.Code)?.Value) ?? 'Fault';
    const message = text(fault.faultstring) ?? text(asObject(fault.Reason)?.Text) ?? 'SOAP fault';
    return { kind: 'fault', code, message };
  }
  const result = asObject(asObject(soapBody[responseElement(operation)])?.[resultElement(operation)]);
  if (!result) throw new NotSoapError('unexpected');
  return { kind: 'result', fields: flatten(result) };
}

/** Leaf fields of the result; one nested level is lifted (a data object inside the result). */
function flatten(node: Record<string, unknown>): Record<string, string | null> {
  const fields: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(node)) {
    if (name.startsWith('@_')) continue;
    const object = asObject(value);
    if (object && !isNil(object) && Object.keys(object).some((key) => !key.startsWith('@_'))) {
      for (const [inner, innerValue] of Object.entries(flatten(object))) fields[inner] ??= innerValue;
      continue;
    }
    fields[name] = object ? (isNil(object) ? null : text(object['#text'])) : text(value);
  }
  return fields;
}

function isNil(node: Record<string, unknown>): boolean {
  return node['@_nil'] === 'true';
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const object = asObject(value);
  if (object && typeof object['#text'] === 'string') return object['#text'] || null;
  return null;
}

/** OperationResult values (documented for DomainApi.svc). */
export const OPERATION_RESULT = { success: 'SUCCESS', error: 'ERROR' } as const;

/**
 * ASSUMPTION: how an ERROR result says why. Unpublished; the simulator answers refused credentials with ErrorCode
 * 401 and "Invalid username or password.", and an unknown contact with ErrorCode 404 and "Contact not found.".
 * The client also recognises the wording (English, and Turkish "bulunamadı" for not found) under other codes.
 */
export const AUTH_ERROR_CODE = '401';
export const NOT_FOUND_ERROR_CODE = '404';
export const AUTH_MESSAGE = /user\s*name|password|credential|authenticat|unauthori[sz]ed|yetki/i;
export const NOT_FOUND_MESSAGE = /not\s+found|no\s+such|does\s+not\s+exist|unknown\s+contact|bulunamad/i;
