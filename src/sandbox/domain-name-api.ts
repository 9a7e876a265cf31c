import { XMLValidator } from 'fast-xml-parser';
import { utcToWallTime } from '../domain/zoned-time.js';
import type { DnaSimContact } from './domain-name-api-seed.js';
import { DNA_KEY_LIFETIME_MS, seedDomainNameApi } from './domain-name-api-seed.js';
import { SINGLE_WSDL_QUERY } from '../providers/domain-name-api/wsdl-namespaces.js';
import { readWcfDocument, wcfChild } from './domain-name-api-wcf.js';
import { contactApiWsdl } from './domain-name-api-wsdl.js';
import type { SimulatorOptions } from './simulator-options.js';
import type { SimRequest, SimResponse } from './simulator-server.js';
import { SimulatorServer } from './simulator-server.js';

/** Sandbox credentials and address the gateway uses for this simulator. */
export interface DomainNameApiEndpoint {
  baseUrl: string;
  username: string;
  password: string;
  contactServicePath: string;
  /** The data-contract namespaces this simulator reads and writes. */
  baseNamespace: string;
  dataNamespace: string;
  /** The zone of the offset-less timestamps it writes. */
  timeZone: string;
}

export interface DomainNameApiSimulatorOptions extends SimulatorOptions {
  /** Clock in epoch ms. Default Date.now. */
  now?: () => number;
  /** Default /ContactApi.svc. */
  contactServicePath?: string;
  /** IANA zone the service writes its offset-less timestamps in. Default Europe/Istanbul (the provider's home). */
  timeZone?: string;
  /** Contacts to seed, DNA-1001 upward. Default 200 (the sandbox's); the bench seeds 1000. */
  contactCount?: number;
  /** The namespace of the requests' own members (a service whose contract differs from the gateway's default). */
  dataNamespace?: string;
  /** Whether `?singleWsdl` is served (WCF metadata publishing). Default true. */
  publishesWsdl?: boolean;
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
/**
 * WCF writes a base class's members in the base contract's namespace and a derived class's own members in its own
 * (the sibling DomainApi.svc's WSDL, github domainreseller/net-dna). The base namespace is the sibling's; the derived
 * one is the gateway's default guess, so the two agree out of the box and a mismatch shows up at once.
 */
export const DNA_SIM_BASE_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
export const DNA_SIM_DATA_NS = 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts';
const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const ACTION_PREFIX = 'http://tempuri.org/IContactApi/';
const OPERATIONS = ['GetDetails', 'ResendContactVerificationNotice'] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * Error codes and texts from the provider's published table (github domainreseller/php-dna README, "Return and Error
 * Codes with Descriptions"). Which code answers "already validated" is not published: 420 ("Invalid Api command for
 * contact") is the simulator's choice.
 */
export const DNA_PUBLISHED_ERRORS: Record<number, string> = {
  301: 'Your current IP address is not authorized to access. Please make sure you are connecting from an authorized IP address and try again',
  330: 'Required parameter(s) not set (ContactEmail, ExternalId).',
  360: 'API quota exceeded!',
  361: 'Throttled error!',
  401: 'Contact info can not sync.',
  404: 'DOMAIN CONTACT CANNOT UPDATE. PERMISSION FROM THE REGISTRY.',
  410: 'Contact not found.',
  420: 'Invalid Api command for contact.',
  2200: 'Authentication error',
};

/**
 * Domain Name API ContactApi.svc simulator: a WCF-style SOAP 1.1 endpoint with GetDetails and
 * ResendContactVerificationNotice, credentials checked in the body, WCF faults for bad envelopes and actions, and
 * 200 seeded contacts (DNA-1001 to DNA-1200; `contactCount` for more) in every verification status.
 */
export class DomainNameApiSimulator {
  readonly server: SimulatorServer;
  readonly contacts: DnaSimContact[];
  readonly sentNotices: DnaSentNotice[] = [];
  private readonly now: () => number;
  private readonly path: string;
  private readonly timeZone: string;
  private readonly dataNamespace: string;
  private readonly publishesWsdl: boolean;
  /** Published error codes to answer the next calls with, oldest first (see answerNextWith). */
  private readonly forcedCodes: number[] = [];

  constructor(options: DomainNameApiSimulatorOptions) {
    this.now = options.now ?? Date.now;
    this.path = options.contactServicePath ?? '/ContactApi.svc';
    this.timeZone = options.timeZone ?? 'Europe/Istanbul';
    this.dataNamespace = options.dataNamespace ?? DNA_SIM_DATA_NS;
    this.publishesWsdl = options.publishesWsdl ?? true;
    this.contacts = seedDomainNameApi(options.seed ?? 1, Math.floor(this.now() / 3_600_000) * 3_600_000, options.contactCount);
    this.server = new SimulatorServer('DOMAIN_NAME_API', (request) => this.handle(request));
    if (options.faults) this.server.setFaults(options.faults);
    // POST {"code": 361, "count": 2}: the next two calls are answered with that published error.
    this.server.addControlRoute('/__control/error-codes', (method, body) => {
      if (method !== 'POST') return { status: 200, body: { queued: [...this.forcedCodes] } };
      try {
        const { code, count } = JSON.parse(body.toString('utf8') || '{}') as { code?: unknown; count?: unknown };
        this.answerNextWith(Number(code), count === undefined ? 1 : Number(count));
        return { status: 200, body: { queued: [...this.forcedCodes] } };
      } catch (error) {
        return { status: 400, body: { error: (error as Error).message } };
      }
    });
  }

  endpoint(): DomainNameApiEndpoint {
    return {
      baseUrl: this.server.url,
      username: USERNAME,
      password: PASSWORD,
      contactServicePath: this.path,
      baseNamespace: DNA_SIM_BASE_NS,
      dataNamespace: this.dataNamespace,
      timeZone: this.timeZone,
    };
  }

  /** Answers the next `count` well-formed calls with a published error code (301, 360, 361, 401, 404, 410, 2200...). */
  answerNextWith(code: number, count = 1): void {
    if (!(code in DNA_PUBLISHED_ERRORS)) throw new Error(`code must be one of ${Object.keys(DNA_PUBLISHED_ERRORS).join(', ')}`);
    if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('count must be a whole number from 1 to 1000');
    for (let i = 0; i < count; i++) this.forcedCodes.push(code);
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
    if (request.method === 'GET' && this.publishesWsdl && request.query.has(SINGLE_WSDL_QUERY)) {
      return { status: 200, headers: { 'content-type': 'text/xml; charset=UTF-8' }, body: contactApiWsdl({ base: DNA_SIM_BASE_NS, data: this.dataNamespace }) };
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
    const envelope = readWcfDocument(request.text);
    const call = wcfChild(wcfChild(envelope?.ns === SOAP_NS ? envelope : null, SOAP_NS, 'Body'), SERVICE_NS, operation);
    if (!call) return fault('s:Client', `The message body does not contain the ${operation} element.`);
    // WCF's DataContractSerializer: each member is read from its contract's namespace only; one anywhere else is
    // ignored as if it were absent, which is how a wrong namespace turns every lookup into "not found".
    const members = new Map<string, string>();
    for (const member of wcfChild(call, SERVICE_NS, 'request')?.children ?? []) {
      const expected = member.name === 'UserName' || member.name === 'Password' ? DNA_SIM_BASE_NS : this.dataNamespace;
      if (member.ns === expected) members.set(member.name, member.text);
    }
    if (members.get('UserName') !== USERNAME || members.get('Password') !== PASSWORD) return this.result(operation, error(2200));
    const forced = this.forcedCodes.shift();
    if (forced !== undefined) return this.result(operation, error(forced));
    const key = { email: members.get('ContactEmail') ?? '', externalId: members.get('ExternalId') ?? '' };
    return operation === 'GetDetails' ? this.getDetails(key) : this.resend(key);
  }

  private result(operation: Operation, fields: Field[]): SimResponse {
    return result(operation, fields, this.dataNamespace);
  }

  private getDetails(key: { email: string; externalId: string }): SimResponse {
    if (!key.email && !key.externalId) return this.result('GetDetails', error(330));
    const contact = this.find(key);
    if (!contact) return this.result('GetDetails', error(410));
    return this.result('GetDetails', [...success(), ...this.details(contact)]);
  }

  /** Resends the notice unless the address is verified; NotValidated and Expired start a new 60-day key. */
  private resend(key: { email: string; externalId: string }): SimResponse {
    if (!key.email && !key.externalId) return this.result('ResendContactVerificationNotice', error(330));
    const contact = this.find(key);
    if (!contact) return this.result('ResendContactVerificationNotice', error(410));
    if (contact.status === 'Validated') return this.result('ResendContactVerificationNotice', error(420));
    const now = Math.floor(this.now() / 1000) * 1000;
    if (contact.status === 'NotValidated' || contact.status === 'Expired') {
      contact.status = 'Pending';
      contact.expiresAt = now + DNA_KEY_LIFETIME_MS;
    }
    contact.lastNotifiedAt = now;
    this.sentNotices.push({ externalId: contact.externalId, email: contact.email, at: now });
    return this.result('ResendContactVerificationNotice', success());
  }

  /** Data fields in WCF's alphabetical order; timestamps offset-less, in the service's zone. */
  private details(contact: DnaSimContact): Field[] {
    const stamp = (ms: number | null) => (ms === null ? null : utcToWallTime(ms, this.timeZone, 'T'));
    return [
      ['AddressLine1', contact.addressLine1],
      ['AddressLine2', contact.addressLine2],
      ['AddressLine3', contact.addressLine3],
      ['City', contact.city],
      ['Company', contact.company],
      ['ContactEmail', contact.email],
      ['Country', contact.country],
      ['ExpirationDate', stamp(contact.expiresAt)],
      ['ExternalId', contact.externalId],
      ['FirstName', contact.firstName],
      ['LastName', contact.lastName],
      ['LastNotificationDate', stamp(contact.lastNotifiedAt)],
      ['Phone', contact.phone],
      ['PhoneCountryCode', contact.phoneCountryCode],
      ['State', contact.state],
      ['VerificationStatus', contact.status],
      ['ZipCode', contact.zipCode],
    ];
  }
}

type Field = [name: string, value: string | null];

const BASE_FIELDS = new Set(['ErrorCode', 'OperationMessage', 'OperationResult']);

function success(): Field[] {
  return [['ErrorCode', '1000'], ['OperationMessage', 'Command completed successfully'], ['OperationResult', 'SUCCESS']];
}

function error(code: number): Field[] {
  return [['ErrorCode', String(code)], ['OperationMessage', DNA_PUBLISHED_ERRORS[code]!], ['OperationResult', 'ERROR']];
}

/** Base members (a:) first, in the base namespace, then the data members (b:) in the derived one, as WCF writes them. */
function result(operation: Operation, fields: Field[], dataNamespace: string): SimResponse {
  const inner = fields
    .map(([name, value]) => {
      const tag = `${BASE_FIELDS.has(name) ? 'a' : 'b'}:${name}`;
      return value === null ? `<${tag} i:nil="true"/>` : `<${tag}>${escapeXml(value)}</${tag}>`;
    })
    .join('');
  const body =
    `<s:Envelope xmlns:s="${SOAP_NS}"><s:Body><${operation}Response xmlns="${SERVICE_NS}">` +
    `<${operation}Result xmlns:a="${DNA_SIM_BASE_NS}" xmlns:b="${dataNamespace}" xmlns:i="${XSI_NS}">${inner}</${operation}Result>` +
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
