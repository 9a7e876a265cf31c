import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * Domain Name API's ContactApi.svc written only from ../shared/providers/domain-name-api.md (revision 2), sharing no
 * code with src/sandbox or src/providers. It reads requests as WCF's DataContractSerializer does: by namespace URI and
 * local name (never by prefix), members in contract order (base class first, each class alphabetically), a member in
 * the wrong namespace or out of order ignored, an empty element read as "". Its answers can vary everything the
 * documents leave to the serializer: prefixes, default namespaces, member order, nil members, unknown members.
 */

export const ENVELOPE_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const TEMPURI = 'http://tempuri.org/';
export const BASE_NS = 'http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts';
export const DATA_NS = 'http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts';
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export const DNA_DOC_CREDENTIALS = { username: 'dna-doc-reseller', password: 'dna-doc-password' };

/** A contact as GetDetails describes one (article fields, then contact fields). */
export interface DocContact {
  ExternalId: string;
  ContactEmail: string;
  VerificationStatus: string;
  ExpirationDate: string | null;
  LastNotificationDate: string | null;
  FirstName?: string;
  LastName?: string;
  City?: string;
  Country?: string;
}

/** The request as the fake understood it: members that WCF would bind, and those it would ignore. */
export interface ReadRequest {
  operation: string;
  soapAction: string | undefined;
  contentType: string | undefined;
  bound: Record<string, string>;
  ignored: string[];
}

export type AnswerStyle =
  /** What WCF writes: `s:` envelope, result members with `a:` (base) and `b:` (data) prefixes declared on the result. */
  | 'wcf'
  /** Every member declares its own default namespace, no prefixes at all. */
  | 'default-namespaces'
  /** Other prefixes everywhere (`soap:`, `x:`, `y:`), members in reverse order, an unknown member, nil as `xsi:nil`. */
  | 'other-prefixes-reordered';

export interface DomainNameApiDocFake {
  baseUrl: string;
  contacts: DocContact[];
  requests: ReadRequest[];
  style: AnswerStyle;
  /** Where the data members go in answers; 'base' is the misreading of the article's request example. */
  dataMembersIn: 'data' | 'base';
  /** An ERROR answer for every call while set: the published code and text. */
  error: { code: string; message: string } | null;
  /** An ERROR answer for the lookups of these External IDs only (one contact the provider cannot serve). */
  errorsFor: Map<string, { code: string; message: string }>;
  /** Answer GetDetails with only the article's four data fields (no ExternalId, no contact fields). */
  articleFieldsOnly: boolean;
  /** Written before every answer's envelope: legal XML prolog (a declaration, comments). */
  prolog: string;
  /** A raw answer for every call while set (a fault, HTML, a cut-short body). */
  raw: { status: number; body: string; contentType?: string } | null;
  close(): Promise<void>;
}

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, trimValues: false });

interface Element {
  ns: string | null;
  local: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Namespace resolution done here, independently of the gateway's reader. */
function resolve(node: Record<string, unknown>, scope: Record<string, string>): Element | null {
  const tag = Object.keys(node).find((key) => key !== ':@' && key !== '#text');
  if (!tag || tag.startsWith('?')) return null;
  const attributes = (node[':@'] ?? {}) as Record<string, string>;
  const inner = { ...scope };
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'xmlns') inner[''] = value;
    else if (name.startsWith('xmlns:')) inner[name.slice(6)] = value;
  }
  const [prefix, local] = tag.includes(':') ? tag.split(':', 2) as [string, string] : ['', tag];
  const content = (node[tag] ?? []) as Record<string, unknown>[];
  return {
    ns: inner[prefix] ?? null,
    local,
    attributes,
    children: content.map((child) => resolve(child, inner)).filter((child): child is Element => child !== null),
    text: content.filter((child) => '#text' in child).map((child) => String(child['#text'])).join(''),
  };
}

const child = (element: Element | undefined, ns: string, local: string) => element?.children.find((item) => item.ns === ns && item.local === local);

/** The request members in WCF's contract order: base class (alphabetical), then the derived request's own. */
const REQUEST_MEMBERS: [string, string][] = [
  [BASE_NS, 'Password'],
  [BASE_NS, 'UserName'],
  [DATA_NS, 'ContactEmail'],
  [DATA_NS, 'ExternalId'],
];

function readRequest(request: IncomingMessage, body: string): ReadRequest | string {
  if (XMLValidator.validate(body) !== true) return 'malformed XML';
  const root = (parser.parse(body) as Record<string, unknown>[]).map((node) => resolve(node, {})).find((node) => node !== null);
  if (!root || root.ns !== ENVELOPE_NS || root.local !== 'Envelope') return 'not a SOAP 1.1 envelope';
  const operationElement = child(root, ENVELOPE_NS, 'Body')?.children[0];
  if (!operationElement || operationElement.ns !== TEMPURI) return 'no operation in the service namespace';
  const requestElement = child(operationElement, TEMPURI, 'request');
  const bound: Record<string, string> = {};
  const ignored: string[] = [];
  let next = 0;
  for (const member of requestElement?.children ?? []) {
    const at = REQUEST_MEMBERS.findIndex(([ns, local], index) => index >= next && ns === member.ns && local === member.local);
    if (at === -1) {
      ignored.push(`{${member.ns}}${member.local}`);
      continue;
    }
    bound[member.local] = member.text.trim();
    next = at + 1;
  }
  return {
    operation: operationElement.local,
    soapAction: request.headers.soapaction as string | undefined,
    contentType: request.headers['content-type'],
    bound,
    ignored,
  };
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function fault(code: string, message: string): string {
  return `<s:Envelope xmlns:s="${ENVELOPE_NS}"><s:Body><s:Fault><faultcode xmlns:a="http://schemas.microsoft.com/ws/2005/05/addressing/none">${code}</faultcode><faultstring xml:lang="en-US">${escape(message)}</faultstring></s:Fault></s:Body></s:Envelope>`;
}

/** One answer, in the chosen style. `members` are [namespace, name, value or null for nil]. */
function answer(operation: string, members: [string, string, string | null][], style: AnswerStyle): string {
  if (style === 'wcf') {
    const prefix = (ns: string) => (ns === BASE_NS ? 'a' : 'b');
    const body = members
      .map(([ns, name, value]) => (value === null ? `<${prefix(ns)}:${name} i:nil="true"/>` : `<${prefix(ns)}:${name}>${escape(value)}</${prefix(ns)}:${name}>`))
      .join('');
    return `<s:Envelope xmlns:s="${ENVELOPE_NS}"><s:Body><${operation}Response xmlns="${TEMPURI}"><${operation}Result xmlns:a="${BASE_NS}" xmlns:b="${DATA_NS}" xmlns:i="${XSI}">${body}</${operation}Result></${operation}Response></s:Body></s:Envelope>`;
  }
  if (style === 'default-namespaces') {
    const body = members
      .map(([ns, name, value]) => (value === null ? `<${name} xmlns="${ns}" xmlns:n="${XSI}" n:nil="true"></${name}>` : `<${name} xmlns="${ns}">${escape(value)}</${name}>`))
      .join('');
    return `<?xml version="1.0" encoding="utf-8"?><Envelope xmlns="${ENVELOPE_NS}"><Body><${operation}Response xmlns="${TEMPURI}"><${operation}Result>${body}</${operation}Result></${operation}Response></Body></Envelope>`;
  }
  const prefix = (ns: string) => (ns === BASE_NS ? 'x' : 'y');
  const body = [...members, [DATA_NS, 'SomethingNew', 'ignored by a tolerant reader'] as [string, string, string]]
    .reverse()
    .map(([ns, name, value]) => (value === null ? `<${prefix(ns)}:${name} xsi:nil="true"/>` : `<${prefix(ns)}:${name}>${escape(value)}</${prefix(ns)}:${name}>`))
    .join('\n      ');
  return `<soap:Envelope xmlns:soap="${ENVELOPE_NS}" xmlns:xsi="${XSI}">\n  <soap:Body>\n    <r:${operation}Response xmlns:r="${TEMPURI}">\n    <r:${operation}Result xmlns:x="${BASE_NS}" xmlns:y="${DATA_NS}">\n      ${body}\n    </r:${operation}Result></r:${operation}Response>\n  </soap:Body>\n</soap:Envelope>`;
}

export async function startDomainNameApiDocFake(path = '/ContactApi.svc'): Promise<DomainNameApiDocFake> {
  const fake: DomainNameApiDocFake = {
    baseUrl: '',
    contacts: [],
    requests: [],
    style: 'wcf',
    dataMembersIn: 'data',
    error: null,
    errorsFor: new Map(),
    raw: null,
    prolog: '',
    articleFieldsOnly: false,
    close: () => new Promise((done) => server.close(() => done())),
  };

  const base = (code: string, result: 'SUCCESS' | 'ERROR', message: string): [string, string, string | null][] => [
    [BASE_NS, 'ErrorCode', code],
    [BASE_NS, 'OperationMessage', message],
    [BASE_NS, 'OperationResult', result],
  ];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const reply = (status: number, body: string, contentType = 'text/xml; charset=utf-8') => {
        response.writeHead(status, { 'content-type': contentType });
        response.end(contentType.startsWith('text/xml') && !fake.raw ? fake.prolog + body : body);
      };
      if (request.method !== 'POST' || url.pathname !== path) return reply(404, '<html><body>Not found</body></html>', 'text/html');
      const read = readRequest(request, Buffer.concat(chunks).toString('utf8'));
      if (typeof read === 'string') return reply(400, fault('s:Client', read));
      fake.requests.push(read);
      if (fake.raw) return reply(fake.raw.status, fake.raw.body, fake.raw.contentType);
      const action = read.soapAction?.replace(/^"|"$/g, '');
      if (action !== `${TEMPURI}IContactApi/${read.operation}` || !read.contentType?.startsWith('text/xml')) {
        return reply(500, fault('a:ActionNotSupported', `The message with Action '${action}' cannot be processed at the receiver.`));
      }
      const operation = read.operation;
      if (operation !== 'GetDetails' && operation !== 'ResendContactVerificationNotice') return reply(500, fault('a:ActionNotSupported', 'Unknown operation'));
      if (read.bound.UserName !== DNA_DOC_CREDENTIALS.username || read.bound.Password !== DNA_DOC_CREDENTIALS.password) {
        return reply(200, answer(operation, base('2200', 'ERROR', 'Authentication error'), fake.style));
      }
      const error = fake.error ?? fake.errorsFor.get(read.bound.ExternalId ?? '');
      if (error) return reply(200, answer(operation, base(error.code, 'ERROR', error.message), fake.style));
      // Both optional: the handle (External ID) or the email. A bound empty member is "", and matches nothing.
      const contact =
        'ExternalId' in read.bound
          ? fake.contacts.find((item) => item.ExternalId === read.bound.ExternalId)
          : 'ContactEmail' in read.bound
            ? fake.contacts.find((item) => item.ContactEmail === read.bound.ContactEmail)
            : undefined;
      if (!contact) return reply(200, answer(operation, base('410', 'ERROR', 'Contact not found.'), fake.style));
      if (operation === 'ResendContactVerificationNotice') {
        contact.VerificationStatus = 'Pending';
        return reply(200, answer(operation, base('0', 'SUCCESS', ''), fake.style));
      }
      const dataNs = fake.dataMembersIn === 'data' ? DATA_NS : BASE_NS;
      const article: (keyof DocContact)[] = ['ContactEmail', 'ExpirationDate', 'LastNotificationDate', 'VerificationStatus'];
      const data = (fake.articleFieldsOnly ? article : (Object.keys(contact) as (keyof DocContact)[]).sort()).map((name): [string, string, string | null] => [dataNs, name, contact[name] ?? null]);
      return reply(200, answer(operation, [...base('0', 'SUCCESS', ''), ...data], fake.style));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
