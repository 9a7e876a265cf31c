import { XMLBuilder, XMLValidator } from 'fast-xml-parser';
import type { XmlElement } from './soap-xml.js';
import { childNamed, readXmlDocument } from './soap-xml.js';

/**
 * The Domain Name API ContactApi.svc dialect in ONE module: namespaces, SOAP actions, element names, envelope
 * building and parsing. The service's WSDL is not public (providers/domain-name-api.md); everything marked
 * ASSUMPTION is modelled on the documented sibling DomainApi.svc (a WCF BasicHttpBinding, SOAP 1.1 service) and
 * is the place to correct against the real WSDL.
 */

export const SOAP_ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
/** ASSUMPTION: WCF's default service namespace, as on DomainApi.svc. */
export const SERVICE_NS = 'http://tempuri.org/';
/** ASSUMPTION: the service contract is named IContactApi. */
export const SERVICE_CONTRACT = 'IContactApi';

/**
 * Data-contract namespaces. WCF's DataContractSerializer writes a base class's members in the base contract's
 * namespace and a derived request's own members in the derived contract's namespace, and silently ignores a member
 * in the wrong one (providers/domain-name-api.md, revision 2). In the sibling's WSDL (github domainreseller/net-dna,
 * `DomainApi.cs`): `BaseMethodRequest` (UserName, Password) and `BaseMethodResponse` (ErrorCode, OperationMessage,
 * OperationResult) are in `Olipso.Core.DataContracts`, `GetDetailsRequest`/`GetDetailsResponse` in
 * `Olipso.ExternalApi.Core.DataContracts.DomainApiContracts`.
 */
export interface DnaNamespaces {
  /** Base members: credentials in requests, ErrorCode / OperationResult / OperationMessage in results. */
  base: string;
  /** The request's own members (ContactEmail, ExternalId) and the result's data fields. */
  data: string;
}

/**
 * Defaults of DOMAIN_NAME_API_BASE_NAMESPACE and DOMAIN_NAME_API_DATA_NAMESPACE. The base one is the sibling's;
 * ASSUMPTION: the data one is a guess by analogy (ContactApiContracts beside DomainApiContracts), hence a setting.
 */
export const DEFAULT_DNA_NAMESPACES: DnaNamespaces = {
  base: 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts',
  data: 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts',
};

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
 * and `UserName` (WCF orders base members first, each class alphabetically, and expects them in that order), then
 * the request's own `ContactEmail` and `ExternalId`.
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

/**
 * The SOAP 1.1 request envelope of an operation; text is XML-escaped by the builder. Credentials go in the base
 * namespace (prefix a), the contact key in the data namespace (prefix b). A member with no value is left out: WCF
 * reads an empty element as "" rather than null, and the service would look up the empty string.
 */
export function buildContactRequest(
  operation: DnaOperation,
  credentials: DnaCredentials,
  query: DnaContactQuery,
  namespaces: DnaNamespaces = DEFAULT_DNA_NAMESPACES,
): string {
  const email = query.email?.trim();
  const externalId = query.externalId?.trim();
  const request = {
    '@_xmlns:a': namespaces.base,
    '@_xmlns:b': namespaces.data,
    [`a:${REQUEST_FIELDS.password}`]: credentials.password,
    [`a:${REQUEST_FIELDS.username}`]: credentials.username,
    ...(email ? { [`b:${REQUEST_FIELDS.email}`]: email } : {}),
    ...(externalId ? { [`b:${REQUEST_FIELDS.externalId}`]: externalId } : {}),
  };
  return builder.build({
    's:Envelope': {
      '@_xmlns:s': SOAP_ENVELOPE_NS,
      's:Body': { [operation]: { '@_xmlns': SERVICE_NS, [REQUEST_ELEMENT]: request } },
    },
  }) as string;
}

/**
 * What came back: the result's fields (null for empty or nil elements) read by namespace, plus the members that
 * were ignored because they came in another namespace than expected (named `{namespace}Name`, for the error that
 * points at the setting); or a SOAP Fault.
 */
export type SoapOutcome =
  | { kind: 'result'; fields: Record<string, string | null>; ignored: string[] }
  | { kind: 'fault'; code: string; message: string };

/** The body is not a SOAP envelope at all: HTML (a WAF page), empty, cut short, or another XML document. */
export class NotSoapError extends Error {
  constructor(readonly what: 'empty' | 'html' | 'malformed' | 'unexpected') {
    super(`not a SOAP envelope (${what})`);
    this.name = 'NotSoapError';
  }
}

/**
 * Cheap check used before parsing and by the retry hook: does the body look like a SOAP envelope? An XML
 * declaration, comments and processing instructions may come first (all legal XML prolog); they are skipped by
 * position, not by a pattern, so a body of unclosed comments costs one pass.
 */
export function looksLikeSoapEnvelope(body: string): boolean {
  let at = 0;
  for (;;) {
    while (at < body.length && /\s/.test(body[at]!)) at++;
    const close = body.startsWith('<?', at) ? '?>' : body.startsWith('<!--', at) ? '-->' : null;
    if (!close) break;
    const end = body.indexOf(close, at);
    if (end === -1) return false;
    at = end + close.length;
  }
  return /^<([\w.-]+:)?Envelope[\s>]/.test(body.slice(at, at + 200));
}

const BASE_FIELD_NAMES = new Set<string>(Object.values(RESULT_FIELDS));

/** Parses an answer of `operation`, strictly by namespace as WCF would. Throws NotSoapError when it is not SOAP. */
export function parseContactResponse(operation: DnaOperation, body: string, namespaces: DnaNamespaces = DEFAULT_DNA_NAMESPACES): SoapOutcome {
  if (!body.trim()) throw new NotSoapError('empty');
  if (/^\s*(<!doctype html|<html)/i.test(body)) throw new NotSoapError('html');
  if (!looksLikeSoapEnvelope(body) || XMLValidator.validate(body) !== true) throw new NotSoapError('malformed');
  const envelope = readXmlDocument(body);
  if (!envelope || envelope.ns !== SOAP_ENVELOPE_NS || envelope.name !== 'Envelope') throw new NotSoapError('unexpected');
  const soapBody = childNamed(envelope, SOAP_ENVELOPE_NS, 'Body');
  if (!soapBody) throw new NotSoapError('unexpected');
  const fault = childNamed(soapBody, SOAP_ENVELOPE_NS, 'Fault');
  if (fault) {
    // SOAP 1.1 faultcode / faultstring are unqualified; a writer that declares the envelope namespace as the default
    // one puts them in it without meaning to, so they are found by local name alone.
    const code = childByLocalName(fault, 'faultcode')?.text ?? 'Fault';
    const message = childByLocalName(fault, 'faultstring')?.text ?? 'SOAP fault';
    return { kind: 'fault', code, message };
  }
  const result = childNamed(childNamed(soapBody, SERVICE_NS, responseElement(operation)), SERVICE_NS, resultElement(operation));
  if (!result) throw new NotSoapError('unexpected');
  return readResultFields(result, namespaces);
}

function childByLocalName(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}

/** Base fields from the base namespace, data fields from the data namespace; one nested data object is lifted. */
function readResultFields(result: XmlElement, namespaces: DnaNamespaces): SoapOutcome {
  const fields: Record<string, string | null> = {};
  const ignored: string[] = [];
  for (const member of result.children) {
    const expected = BASE_FIELD_NAMES.has(member.name) ? namespaces.base : namespaces.data;
    if (member.ns !== expected) {
      ignored.push(`{${member.ns ?? ''}}${member.name}`);
      continue;
    }
    if (member.children.length > 0 && !member.nil) {
      // A data object inside the result: its members are in its own contract's namespace, unknown to us.
      for (const inner of member.children) fields[inner.name] ??= inner.nil ? null : inner.text;
      continue;
    }
    fields[member.name] = member.nil ? null : member.text;
  }
  return { kind: 'result', fields, ignored };
}

/** OperationResult values (documented for DomainApi.svc). */
export const OPERATION_RESULT = { success: 'SUCCESS', error: 'ERROR' } as const;

