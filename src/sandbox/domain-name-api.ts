import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { DnaSimContact } from './domain-name-api-seed.js';
import { DNA_KEY_LIFETIME_MS, offsetlessUtc, seedDomainNameApi } from './domain-name-api-seed.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { SimRequest, SimResponse } from './simulator-server.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface DomainNameApiEndpoint {
  baseUrl: string;
  username: string;
  password: string;
  contactServicePath: string;
}

export interface DomainNameApiSimulatorOptions extends SimulatorOptions {
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** Default /ContactApi.svc. */
  contactServicePath?: string;
}

/** A notice the simulator "sent", for tests. */
export interface DnaSentNotice {
  externalId: string;
  email: string;
  at: number;
}

const USERNAME = 'sandbox';
const PASSWORD = 'sandbox-dna-password';
const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const SERVICE_NS = 'http://tempuri.org/';
const DATA_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
const ACTION_PREFIX = 'http://tempuri.org/IContactApi/';
const OPERATIONS = ['GetDetails', 'ResendContactVerificationNotice'] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * Simulator choices for what the provider does not publish (mirrored in src/providers/domain-name-api/soap.ts):
 * refused credentials -> OperationResult ERROR, ErrorCode 401, "Invalid username or password."; unknown contact ->
 * ERROR, ErrorCode 404, "Contact not found."; resending to a validated address -> ERROR, ErrorCode 409.
 */
const ERRORS = {
  auth: { code: '401', message: 'Invalid username or password.' },
  notFound: { code: '404', message: 'Contact not found.' },
  missingKey: { code: '400', message: 'ContactEmail or ExternalId is required.' },
  validated: { code: '409', message: 'The contact email address is already validated.' },
} as const;

const parser = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, parseTagValue: false, trimValues: true });

/**
 * Domain Name API ContactApi.svc simulator: a WCF-style SOAP 1.1 endpoint with GetDetails and
 * ResendContactVerificationNotice, credentials checked in the body, WCF faults for bad envelopes and actions, and
 * 200 seeded contacts (DNA-1001 to DNA-1200) in every verification status.
 */
export class DomainNameApiSimulator {
  readonly server: SimulatorServer;
  readonly contacts: DnaSimContact[];
  readonly sentNotices: DnaSentNotice[] = [];
  private readonly now: () => number;
  private readonly path: string;

  constructor(options: DomainNameApiSimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.path = options.contactServicePath ?? '/ContactApi.svc';
    this.contacts = seedDomainNameApi(options.seed ?? 1, Math.floor(this.now() / 3_600_000) * 3_600_000);
    this.server = new SimulatorServer('DOMAIN_NAME_API', (request) => this.handle(request));
    if (options.faults) this.server.setFaults(options.faults);
  }

  endpoint(): DomainNameApiEndpoint {
    return { baseUrl: this.server.url, username: USERNAME, password: PASSWORD, contactServicePath: this.path };
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** A contact by External ID or email (case-insensitive), as the service finds them. */
  find(key: { email?: string | null; externalId?: string | null }): DnaSimContact | undefined {
    const id = key.externalId?.trim().toUpperCase();
    if (id) return this.contacts.find((contact) => contact.externalId.toUpperCase() === id);
    const email = key.email?.trim().toLowerCase();
    return email ? this.contacts.find((contact) => contact.email === email) : undefined;
  }

  private handle(request: SimRequest): SimResponse {
    if (request.path !== this.path) {
      return { status: 404, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Endpoint not found.</h1></body></html>' };
    }
    if (request.method !== 'POST') return { status: 405, headers: { allow: 'POST' } };
    if (request.faults.outage) {
      return { status: 503, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Service Unavailable</h1></body></html>' };
    }
    // WCF BasicHttpBinding only takes SOAP 1.1: anything else is 415 with an empty body.
    if (!String(request.headers['content-type'] ?? '').toLowerCase().startsWith('text/xml')) return { status: 415 };
    const action = String(request.headers.soapaction ?? '').replace(/^"|"$/g, '');
    const operation = OPERATIONS.find((name) => action === `${ACTION_PREFIX}${name}`);
    if (!operation) return fault('a:ActionNotSupported', `The message with Action '${action}' cannot be processed at the receiver.`);
    if (XMLValidator.validate(request.text) !== true) return fault('s:Client', 'The formatter threw an exception while trying to deserialize the message.');
    const body = (parser.parse(request.text) as { Envelope?: { Body?: Record<string, { request?: Record<string, unknown> }> } }).Envelope?.Body;
    const call = body?.[operation];
    if (!call) return fault('s:Client', `The message body does not contain the ${operation} element.`);
    const fields = call.request ?? {};
    const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
    if (text('UserName') !== USERNAME || text('Password') !== PASSWORD) return result(operation, error(ERRORS.auth));
    const key = { email: text('ContactEmail'), externalId: text('ExternalId') };
    return operation === 'GetDetails' ? this.getDetails(key) : this.resend(key);
  }

  private getDetails(key: { email: string; externalId: string }): SimResponse {
    if (!key.email && !key.externalId) return result('GetDetails', error(ERRORS.missingKey));
    const contact = this.find(key);
    if (!contact) return result('GetDetails', error(ERRORS.notFound));
    return result('GetDetails', [...success(), ...details(contact)]);
  }

  /** Resends the notice unless the address is verified; NotValidated and Expired start a new 60-day key. */
  private resend(key: { email: string; externalId: string }): SimResponse {
    if (!key.email && !key.externalId) return result('ResendContactVerificationNotice', error(ERRORS.missingKey));
    const contact = this.find(key);
    if (!contact) return result('ResendContactVerificationNotice', error(ERRORS.notFound));
    if (contact.status === 'Validated') return result('ResendContactVerificationNotice', error(ERRORS.validated));
    const now = Math.floor(this.now() / 1000) * 1000;
    if (contact.status === 'NotValidated' || contact.status === 'Expired') {
      contact.status = 'Pending';
      contact.expiresAt = now + DNA_KEY_LIFETIME_MS;
    }
    contact.lastNotifiedAt = now;
    this.sentNotices.push({ externalId: contact.externalId, email: contact.email, at: now });
    return result('ResendContactVerificationNotice', success());
  }
}

type Field = [name: string, value: string | null];

function success(): Field[] {
  return [['ErrorCode', '0'], ['OperationMessage', 'Command completed successfully.'], ['OperationResult', 'SUCCESS']];
}

function error(detail: { code: string; message: string }): Field[] {
  return [['ErrorCode', detail.code], ['OperationMessage', detail.message], ['OperationResult', 'ERROR']];
}

/** Data fields in WCF's alphabetical order. */
function details(contact: DnaSimContact): Field[] {
  const fields: Field[] = [
    ['AddressLine1', contact.addressLine1],
    ['AddressLine2', contact.addressLine2],
    ['AddressLine3', contact.addressLine3],
    ['City', contact.city],
    ['Company', contact.company],
    ['ContactEmail', contact.email],
    ['Country', contact.country],
    ['ExpirationDate', contact.expiresAt === null ? null : offsetlessUtc(contact.expiresAt)],
    ['ExternalId', contact.externalId],
    ['FirstName', contact.firstName],
    ['LastName', contact.lastName],
    ['LastNotificationDate', contact.lastNotifiedAt === null ? null : offsetlessUtc(contact.lastNotifiedAt)],
    ['Phone', contact.phone],
    ['PhoneCountryCode', contact.phoneCountryCode],
    ['State', contact.state],
    ['VerificationStatus', contact.status],
    ['ZipCode', contact.zipCode],
  ];
  return fields;
}

function result(operation: Operation, fields: Field[]): SimResponse {
  const inner = fields
    .map(([name, value]) => (value === null ? `<a:${name} i:nil="true"/>` : `<a:${name}>${escapeXml(value)}</a:${name}>`))
    .join('');
  const body =
    `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><${operation}Response xmlns="${SERVICE_NS}">` +
    `<${operation}Result xmlns:a="${DATA_NS}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">${inner}</${operation}Result>` +
    `</${operation}Response></s:Body></s:Envelope>`;
  return { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
}

/** A WCF SOAP 1.1 fault: HTTP 500 with a Fault body. */
function fault(code: string, message: string): SimResponse {
  const body =
    `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">${escapeXml(code)}</faultcode>` +
    `<faultstring xml:lang="en-US">${escapeXml(message)}</faultstring></s:Fault></s:Body></s:Envelope>`;
  return { status: 500, headers: { 'content-type': 'text/xml; charset=utf-8' }, body };
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[char]!);
}
