import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DENIC_MESSAGE_FORMAT } from '../../src/providers/realtime-register/assumptions.js';
import {
  contactCreateBody,
  contactFromWire,
  contactUpdateBody,
  verificationFromDraft,
  violationPath,
  wireDate,
} from '../../src/providers/realtime-register/map.js';
import type { RtrContact } from '../../src/providers/realtime-register/wire.js';
import type { VerificationEventPayload } from '../../src/domain/events.js';
import { ingestRealtimeRegisterNotification } from '../../src/services/notification-ingest.js';
import { createLogger } from '../../src/observability/logger.js';
import { denicMessage } from '../../src/sandbox/realtime-register-notifications.js';

const wire: RtrContact = {
  handle: 'rtr-0042',
  customer: 'acme',
  name: 'Lena Weber',
  organization: '',
  addressLine: ['Hauptstraße 12', ''],
  postalCode: '10115',
  city: 'Berlin',
  country: 'DE',
  email: 'lena@example.de',
  voice: '+49.301234567',
  createdDate: '2024-03-01T10:00:00+01:00',
  verifications: [
    { verificationDate: '2026-04-16T00:00:00Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'], createdDate: '2026-04-16T08:00:00Z' },
  ],
};

describe('contactFromWire', () => {
  it('maps a provider contact to the domain shape, dates in UTC and empty optionals as null', () => {
    expect(contactFromWire(wire, 'sandbox')).toEqual({
      provider: 'REALTIME_REGISTER',
      customer: 'acme',
      handle: 'rtr-0042',
      name: 'Lena Weber',
      organization: null,
      email: 'lena@example.de',
      voice: '+49.301234567',
      addressLines: ['Hauptstraße 12'],
      postalCode: '10115',
      city: 'Berlin',
      state: null,
      country: 'DE',
      createdAt: '2024-03-01T09:00:00.000Z',
      updatedAt: null,
      verifications: [{ verifiedAt: '2026-04-16T00:00:00.000Z', externalId: 'kyc-7731', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] }],
    });
  });

  it('falls back to the customer asked for when the body names none', () => {
    expect(contactFromWire({ handle: 'rtr-0001' }, 'sandbox').customer).toBe('sandbox');
  });

  it('leaves out, and reports, a stored item whose proof is outside the published vocabulary instead of guessing', () => {
    const drifted = { ...wire, verifications: [{ ...wire.verifications![0]!, proof: 'HANDSHAKE' }, wire.verifications![0]!] };
    const reported: string[] = [];
    const contact = contactFromWire(drifted, 'sandbox', (field, value) => reported.push(`${field}=${value}`));
    expect(contact.verifications.map((item) => item.proof)).toEqual(['ID_CARD']);
    expect(reported).toEqual(['proof=HANDSHAKE']);
  });
});

describe('instants Realtime Register writes without an offset', () => {
  it('are read as UTC whatever the time zone of the machine the gateway runs on', async () => {
    const zone = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const contact = contactFromWire(
        { ...wire, createdDate: '2026-01-02T03:04:05', updatedDate: '2026-01-03 10:00:00', verifications: [{ verificationDate: '2026-04-16T00:00:00', externalId: 'e', method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME'] }] },
        'cust',
      );
      expect(contact.createdAt).toBe('2026-01-02T03:04:05.000Z');
      expect(contact.updatedAt).toBe('2026-01-03T10:00:00.000Z');
      expect(contact.verifications[0]!.verifiedAt).toBe('2026-04-16T00:00:00.000Z');
      const event = await ingestRealtimeRegisterNotification(
        { requests: { get: async () => null, put: async () => undefined } as never, events: { record: async (payload: VerificationEventPayload) => ({ event: payload, duplicate: false }) } as never, customer: 'cust' },
        { id: 1, fireDate: '2026-05-01T10:00:00', message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]', processType: 'contact', processIdentifier: 'h-tz-1' },
        'rtr-webhook',
      );
      expect((event.event as unknown as { request: { receivedAt: string } }).request.receivedAt).toBe('2026-05-01T10:00:00.000Z');
      expect(event.event.occurredAt).toBe('2026-05-01T10:00:00.000Z');
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });
});

describe('a DENIC notification that names no contact', () => {
  it('is stored as a provider notification event, and a warning tells operators a person must act on it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'info', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    const recorded: VerificationEventPayload[] = [];
    const deps = {
      requests: { get: async () => null, put: async () => undefined } as never,
      events: { record: async (payload: VerificationEventPayload) => (recorded.push(payload), { event: payload, duplicate: false }) } as never,
      customer: 'cust',
      logger,
    };
    const denic = '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]. First domain to be de-delegated: example.de on 2026-12-01T00:00:00Z';
    await ingestRealtimeRegisterNotification(deps, { id: 77, message: denic, processType: 'domain', processIdentifier: 'example.de' }, 'rtr-webhook');
    expect(recorded.map((payload) => payload.type)).toEqual(['PROVIDER_NOTIFICATION']);
    expect(lines.filter((line) => line.includes('names no contact handle') && line.includes('"notificationId":"77"'))).toHaveLength(1);
    // Any other notification kind is no demand: nothing said.
    await ingestRealtimeRegisterNotification(deps, { id: 78, message: 'Domain example.de transferred', processType: 'domain', processIdentifier: 'example.de' }, 'rtr-webhook');
    expect(lines.filter((line) => line.includes('names no contact handle'))).toHaveLength(1);
  });
});

describe('write bodies', () => {
  it('sends a new contact with addressLine, verifications in wire form and no null fields', () => {
    const body = contactCreateBody({
      handle: 'new-contact',
      name: 'Daan Bakker',
      organization: null,
      addressLines: ['Oudegracht 1'],
      postalCode: '3511 LX',
      city: 'Utrecht',
      country: 'NL',
      email: 'daan@example.nl',
      voice: '+31.301234567',
      verifications: [{ verifiedAt: '2026-04-16T02:00:00+02:00', externalId: 'log-1', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] }],
    });
    expect(body).toEqual({
      handle: 'new-contact',
      name: 'Daan Bakker',
      addressLine: ['Oudegracht 1'],
      postalCode: '3511 LX',
      city: 'Utrecht',
      country: 'NL',
      email: 'daan@example.nl',
      voice: '+31.301234567',
      verifications: [{ verificationDate: '2026-04-16T00:00:00Z', externalId: 'log-1', method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] }],
    });
  });

  it('sends only the fields of an update, null clearing an optional one', () => {
    expect(contactUpdateBody({ organization: null, city: 'Gent' })).toEqual({ organization: null, city: 'Gent' });
  });

  it('normalises a draft verification date to UTC', () => {
    expect(verificationFromDraft({ verifiedAt: '2026-04-16T00:00:00-02:00', externalId: 'x', method: 'DATA', proof: 'ADDRESS_DATABASE', claims: ['ADDRESS'] }).verifiedAt).toBe(
      '2026-04-16T02:00:00.000Z',
    );
  });

  it('writes dates as the provider does, without zero milliseconds', () => {
    expect(wireDate('2026-04-16T00:00:00.000Z')).toBe('2026-04-16T00:00:00Z');
    expect(wireDate('2026-04-16T00:00:00.250Z')).toBe('2026-04-16T00:00:00.250Z');
  });
});

describe('violationPath', () => {
  it.each([
    ['verifications[0].claims', ['verifications', '0', 'claims']],
    ['verifications[2].verificationDate', ['verifications', '2', 'verifiedAt']],
    ['addressLine[1]', ['addressLines', '1']],
    ['voice', ['voice']],
    [undefined, []],
  ])('turns %s into a path into the gateway input', (field, path) => {
    expect(violationPath(field)).toEqual(path);
  });
});

describe('the DENIC message format assumption', () => {
  it('reads back every part of the message the simulator writes', () => {
    const message = denicMessage({
      handle: 'rtr-0002',
      claims: ['NAME', 'ADDRESS'],
      deDelegationDomain: 'example.de',
      deDelegationDate: '2026-12-01T00:00:00Z',
      deletionDomain: 'example.de',
      deletionDate: '2027-01-01T00:00:00Z',
    });
    expect(DENIC_MESSAGE_FORMAT.exec(message)?.groups).toEqual({
      claims: 'NAME, ADDRESS',
      deDelegationDomain: 'example.de',
      deDelegationDate: '2026-12-01T00:00:00Z',
      deletionDomain: 'example.de',
      deletionDate: '2027-01-01T00:00:00Z',
    });
  });

  it('reads a message that names no deadline', () => {
    const groups = DENIC_MESSAGE_FORMAT.exec(denicMessage({ handle: 'rtr-0002', claims: ['EMAIL'] }))?.groups;
    expect(groups?.claims).toBe('EMAIL');
    expect(groups?.deDelegationDate).toBeUndefined();
  });
});
