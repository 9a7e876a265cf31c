import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Veriff as ../shared/providers/veriff.md describes it (revision 2 included), written from that document alone (no code
 * from src/sandbox or src/providers). Two servers, as the document has two hosts: the station API (default
 * validate-registry, the decision endpoint) and the sync API (validate-registry answering with the decision). Only
 * node:http; every request is recorded.
 */

export interface FakeCall {
  host: 'station' | 'sync';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A decided verification as the document's 200 example shows it. */
export function decisionEnvelope(sessionId: string, status: string, code: number | null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const approved = status === 'approved';
  return {
    status: 'success',
    verification: {
      id: sessionId,
      code,
      status,
      person: approved
        ? { firstName: 'ANN', lastName: 'LEE', idNumber: '38001085718', dateOfBirth: '1980-01-08', yearOfBirth: '1980', placeOfBirth: 'TALLINN', addresses: [{ fullAddress: 'Main 1, Tallinn' }] }
        : { firstName: null, lastName: null, idNumber: null, dateOfBirth: null, yearOfBirth: null, placeOfBirth: null, addresses: [] },
      reason: approved ? null : 'No reference found',
      reasonCode: approved ? null : 122,
      document: { number: null, type: null, country: null, validFrom: null, validUntil: null },
      vendorData: null,
      endUserId: null,
      decisionTime: '2026-03-01T10:00:02.120Z',
      acceptanceTime: '2026-03-01T10:00:00Z',
      additionalVerifiedData: { failedValidation: null },
      ...extra,
    },
    technicalData: { ip: null },
  };
}

export class VeriffDocFake {
  readonly apiKey = 'veriff-doc-fake-key';
  readonly secret = 'veriff-doc-fake-secret';
  readonly calls: FakeCall[] = [];
  /** Decisions the decision endpoint answers (absent: `verification: null`, no decision yet). */
  readonly decisions = new Map<string, Record<string, unknown>>();
  /** Whether the decision endpoint's answer carries x-hmac-signature (the document promises it only for sync). */
  decisionAnswerSignature: 'valid' | 'wrong' | 'none' = 'none';
  /** What the sync API decides, and how it signs. null: no decision yet (`verification: null`). */
  syncDecision: { status: string; code: number } | null = { status: 'approved', code: 9001 };
  syncSignature: 'valid' | 'wrong' | 'none' = 'valid';
  /** The next validate-registry answers this instead (status, body, headers). */
  nextFailure: { status: number; body: Record<string, unknown>; headers?: Record<string, string> } | null = null;
  readonly sessions: string[] = [];
  private readonly servers: Server[] = [];

  async start(): Promise<{ baseUrl: string; syncBaseUrl: string }> {
    const [station, sync] = await Promise.all([this.listen('station'), this.listen('sync')]);
    return { baseUrl: station, syncBaseUrl: sync };
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })));
  }

  sign(payload: string, secret = this.secret): string {
    return createHmac('sha256', secret).update(payload).digest('hex');
  }

  /** POSTs a body to the gateway's webhook URL the way Veriff does: x-auth-client and x-hmac-signature over the raw body. */
  async deliver(url: string, payload: Record<string, unknown>, options: { signature?: string } = {}): Promise<number> {
    const body = JSON.stringify(payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-client': this.apiKey, 'x-hmac-signature': options.signature ?? this.sign(body) },
      body,
    });
    await response.arrayBuffer();
    return response.status;
  }

  private async listen(host: 'station' | 'sync'): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => this.answer(host, req, res, Buffer.concat(chunks).toString('utf8')));
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private answer(host: 'station' | 'sync', req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    this.calls.push({ host, method: req.method ?? '', path, headers: req.headers, body });
    const send = (status: number, payload: Record<string, unknown>, signature: 'valid' | 'wrong' | 'none' = 'none', headers: Record<string, string> = {}) => {
      const text = JSON.stringify(payload);
      const signed = signature === 'none' ? {} : { 'x-hmac-signature': this.sign(text, signature === 'valid' ? this.secret : 'another-secret') };
      res.writeHead(status, { 'content-type': 'application/json', ...signed, ...headers });
      res.end(text);
    };
    const failed = (status: number, code: string, message: string) => send(status, { status: 'failed', code, message });
    if (!req.headers['x-auth-client']) return failed(401, '1801', 'Mandatory X-AUTH-CLIENT header containing the API key is missing from the request.');
    if (req.headers['x-auth-client'] !== this.apiKey) return failed(401, '1803', 'Integration not found.');
    const signature = String(req.headers['x-hmac-signature'] ?? '');
    if (!/^[0-9a-f]{64}$/.test(signature)) return failed(401, '1812', 'Signature is not a valid SHA256 hash.');

    const decisionPath = /^\/v1\/sessions\/([^/]+)\/decision$/.exec(path);
    if (req.method === 'GET' && decisionPath && host === 'station') {
      const sessionId = decodeURIComponent(decisionPath[1]!);
      if (signature !== this.sign(sessionId)) return failed(401, '1818', 'Signature does not match the SHA256 hash of query ID and integration API secret.');
      if (!this.sessions.includes(sessionId)) return failed(404, '1404', 'Session not found.');
      return send(200, this.decisions.get(sessionId) ?? { status: 'success', verification: null }, this.decisionAnswerSignature);
    }
    if (req.method === 'POST' && path === '/v1/validate-registry') {
      if (signature !== this.sign(body)) return failed(401, '1819', 'Signature does not match the SHA256 hash of request body and integration API secret.');
      if (this.nextFailure) {
        const failure = this.nextFailure;
        this.nextFailure = null;
        return send(failure.status, failure.body, 'none', failure.headers);
      }
      const person = (JSON.parse(body) as { verification?: { person?: Record<string, unknown> } }).verification?.person ?? {};
      if (typeof person.idNumber !== 'string') return failed(400, '1102', 'Request is missing required field idNumber');
      const sessionId = randomUUID();
      this.sessions.push(sessionId);
      if (host === 'station') return send(200, { status: 'success', verification: { id: sessionId, status: 'submitted' } });
      const decided = this.syncDecision;
      return send(200, decided ? decisionEnvelope(sessionId, decided.status, decided.code) : { status: 'success', verification: null, sessionId }, this.syncSignature);
    }
    return failed(404, '1404', 'Not found');
  }
}
