import { describe, expect, it } from 'vitest';
import {
  DENIC_MESSAGE_LIMIT,
  denicMessageWords,
  STORED_MESSAGE_LIMIT,
  isDenicNotification,
  parseDenicMessage,
  parseDenicNotification,
  type NotificationFields,
} from '../../src/providers/realtime-register/denic.js';
import type { RtrNotification } from '../../src/providers/realtime-register/notification.js';

const defaults = { customer: 'acme' };

function notification(overrides: Partial<RtrNotification> = {}): RtrNotification {
  return {
    id: 4711,
    fireDate: '2026-03-01T09:30:00Z',
    message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
    customer: 'acme',
    eventType: 'CONTACT_VERIFICATION_REQUIRED',
    notificationType: 'ContactVerificationNotification',
    payload: {},
    isAsync: false,
    processType: 'contact',
    processIdentifier: 'h-denic-1',
    ...overrides,
  };
}

describe('parseDenicNotification', () => {
  it('reads handle, claims, domains and deadlines from the payload shape', () => {
    const request = parseDenicNotification(
      notification({
        processIdentifier: null,
        payload: {
          handle: 'h-payload',
          claims: ['name', 'EMAIL', 'NAME', 'BOGUS'],
          deDelegationDomain: 'Example.DE',
          deDelegationDate: '2026-04-01T00:00:00+02:00',
          deletionDomain: 'example.de',
          deletionDate: '2026-05-01',
        },
      }),
      defaults,
    );
    expect(request).toEqual({
      id: 'rtr:4711',
      provider: 'REALTIME_REGISTER',
      customer: 'acme',
      contactHandle: 'h-payload',
      claims: ['NAME', 'EMAIL'],
      status: 'OPEN',
      message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]',
      receivedAt: '2026-03-01T09:30:00.000Z',
      deDelegationDomain: 'example.de',
      deDelegationDeadline: '2026-03-31T22:00:00.000Z',
      deletionDomain: 'example.de',
      deletionDeadline: '2026-05-01T00:00:00.000Z',
      notificationId: '4711',
      submittedAt: null,
    });
  });

  it('reads claims and deadlines from the message text when the payload has none', () => {
    const request = parseDenicNotification(
      notification({
        message:
          '[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME, ADDRESS]. First domain to be de-delegated: ' +
          'beispiel.de on 2026-12-01T00:00:00Z. First domain to be deleted: anders.de on 2027-01-01T00:00:00Z',
      }),
      defaults,
    );
    expect(request).toMatchObject({
      contactHandle: 'h-denic-1',
      claims: ['NAME', 'ADDRESS'],
      deDelegationDomain: 'beispiel.de',
      deDelegationDeadline: '2026-12-01T00:00:00.000Z',
      deletionDomain: 'anders.de',
      deletionDeadline: '2027-01-01T00:00:00.000Z',
    });
  });

  it('prefers processIdentifier over payload.handle and payload fields over the message', () => {
    const request = parseDenicNotification(
      notification({
        message: '[CONTACT VERIFICATION REQUIRED] for the following claims: [VOICE]. First domain to be de-delegated: a.de on 2026-12-01T00:00:00Z',
        payload: { handle: 'h-other', claims: ['EMAIL'], deDelegationDomain: 'b.de', deDelegationDate: '2026-06-01T00:00:00Z' },
      }),
      defaults,
    );
    expect(request).toMatchObject({ contactHandle: 'h-denic-1', claims: ['EMAIL'], deDelegationDomain: 'b.de', deDelegationDeadline: '2026-06-01T00:00:00.000Z' });
  });

  it('leaves deadlines null when the notification names none', () => {
    const request = parseDenicNotification(notification(), defaults);
    expect(request).toMatchObject({ deDelegationDomain: null, deDelegationDeadline: null, deletionDomain: null, deletionDeadline: null });
  });

  it('fills in the configured customer when the notification names none', () => {
    expect(parseDenicNotification(notification({ customer: null }), defaults)?.customer).toBe('acme');
    expect(parseDenicNotification(notification({ customer: 'other' }), defaults)?.customer).toBe('other');
  });

  it("takes its id from RTR's notification id alone, whatever customer a delivery names or leaves out", () => {
    const ids = [null, 'acme', 'other'].map((customer) => parseDenicNotification(notification({ customer }), defaults)?.id);
    expect(ids).toEqual(['rtr:4711', 'rtr:4711', 'rtr:4711']);
  });

  it('gives the same request for every delivery of one notification', () => {
    expect(parseDenicNotification(notification(), defaults)).toEqual(parseDenicNotification(notification(), defaults));
  });

  it('returns null for other notifications', () => {
    const other = notification({ message: 'Domain example.com transferred', eventType: 'DOMAIN_TRANSFER', notificationType: 'DomainNotification' });
    expect(isDenicNotification(other)).toBe(false);
    expect(parseDenicNotification(other, defaults)).toBeNull();
  });

  it('returns null for a DENIC notification that names no usable contact handle', () => {
    expect(parseDenicNotification(notification({ processIdentifier: null }), defaults)).toBeNull();
    expect(parseDenicNotification(notification({ processIdentifier: 'no spaces allowed' }), defaults)).toBeNull();
  });

  it('takes the handle from processIdentifier only for a contact process, never a domain process', () => {
    const domainProcess = notification({ processType: 'domain', processIdentifier: 'example.de', payload: { handle: 'h-holder' } });
    expect(parseDenicNotification(domainProcess, defaults)?.contactHandle).toBe('h-holder');
    const contactProcess = notification({ processType: 'Contact', processIdentifier: 'h-contact', payload: { handle: 'h-holder' } });
    expect(parseDenicNotification(contactProcess, defaults)?.contactHandle).toBe('h-contact');
  });

  it('finds no contact in a domain process that names none elsewhere, rather than taking the domain', () => {
    const domainOnly = notification({ processType: 'domain', processIdentifier: 'example.de', payload: {} });
    expect(parseDenicNotification(domainOnly, defaults)).toBeNull();
    const noType = notification({ processType: null, processIdentifier: 'example.de', payload: {} });
    expect(parseDenicNotification(noType, defaults)).toBeNull();
  });

  it('falls back to a handle named in the message when the payload has none', () => {
    const request = parseDenicNotification(
      notification({ processType: 'domain', processIdentifier: 'example.de', message: '[CONTACT VERIFICATION REQUIRED] for contact handle h-in-text. Claims: [NAME]' }),
      defaults,
    );
    expect(request).toMatchObject({ contactHandle: 'h-in-text', claims: ['NAME'] });
  });

  it('keeps at most STORED_MESSAGE_LIMIT characters of a long message', () => {
    const long = `[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME] ${'x'.repeat(10_000)}`;
    expect(parseDenicNotification(notification({ message: long }), defaults)?.message).toHaveLength(STORED_MESSAGE_LIMIT);
  });

  it('recognises a DENIC notification by its event type when the message lacks the marker', () => {
    const byType: NotificationFields = { id: 1, eventType: 'CONTACT_VERIFICATION_REQUIRED', message: 'Please verify: claims NAME and EMAIL', processType: 'contact', processIdentifier: 'h-1' };
    expect(parseDenicNotification(byType, defaults)?.claims).toEqual(['NAME', 'EMAIL']);
  });

  it('survives junk payloads and messages without throwing', () => {
    const junk: NotificationFields[] = [
      { id: 1, message: '[CONTACT VERIFICATION REQUIRED]', payload: 'not an object', processType: 'contact', processIdentifier: 'h-1' },
      { id: 2, message: '[CONTACT VERIFICATION REQUIRED] claims: [', payload: { claims: 'NAME', deDelegationDate: 'soon' }, processType: 'contact', processIdentifier: 'h-1' },
      { id: 3, message: '[contact verification required] de-delegated: on 2026-13-45', payload: null, processType: 'contact', processIdentifier: 'h-1' },
      { id: 4, message: null, payload: [1, 2], processType: 'contact', processIdentifier: 'h-1', eventType: 'CONTACT_VERIFICATION_REQUIRED' },
    ];
    for (const item of junk) {
      const request = parseDenicNotification(item, defaults);
      expect(request?.contactHandle).toBe('h-1');
      expect(request?.deDelegationDeadline).toBeNull();
    }
    expect(parseDenicNotification(junk[1]!, defaults)?.claims).toEqual([]);
  });
});

describe('parseDenicMessage', () => {
  it('tolerates wording, order and case variations', () => {
    expect(
      parseDenicMessage('[CONTACT VERIFICATION REQUIRED] Contact handle: h-77. Claims: name, address and email. The domain Foo.de will be de-delegated on 2026-07-01; deletion of foo.de by 2026-08-01T12:00:00+02:00.'),
    ).toEqual({
      handle: 'h-77',
      claims: ['NAME', 'ADDRESS', 'EMAIL'],
      deDelegationDomain: 'foo.de',
      deDelegationDeadline: '2026-07-01T00:00:00.000Z',
      deletionDomain: 'foo.de',
      deletionDeadline: '2026-08-01T10:00:00.000Z',
    });
  });

  it('does not mistake the marker words for a contact handle', () => {
    expect(parseDenicMessage('[CONTACT VERIFICATION REQUIRED] for the following claims: [NAME]').handle).toBeNull();
  });

  it('reads only the first DENIC_MESSAGE_LIMIT characters of a hostile 80 KB message, and still answers', () => {
    const hostile = `[CONTACT VERIFICATION REQUIRED] de-delegated ${'a.'.repeat(40_000)}`;
    const words = denicMessageWords(hostile);
    expect(words.join(' ').length).toBeLessThanOrEqual(DENIC_MESSAGE_LIMIT);
    expect(parseDenicMessage(hostile)).toEqual({
      handle: null,
      claims: [],
      deDelegationDomain: null,
      deDelegationDeadline: null,
      deletionDomain: null,
      deletionDeadline: null,
    });
  });

  it('finds a date that follows the domain even when sentences run on, but never past the next deadline verb', () => {
    const parts = parseDenicMessage('[CONTACT VERIFICATION REQUIRED] claims: [NAME]. To be de-delegated: a.de. To be deleted: b.de on 2027-01-01');
    expect(parts).toMatchObject({ deDelegationDomain: null, deDelegationDeadline: null, deletionDomain: 'b.de', deletionDeadline: '2027-01-01T00:00:00.000Z' });
  });

  it('reads a date and a time written as two words', () => {
    expect(parseDenicMessage('example.de will be de-delegated on 2026-07-01 12:30:00').deDelegationDeadline).toBe('2026-07-01T12:30:00.000Z');
  });

  it('does not read a de-delegation as a deletion', () => {
    const parts = parseDenicMessage('[CONTACT VERIFICATION REQUIRED] claims: [NAME]. de-delegated: a.de on 2026-12-01T00:00:00Z');
    expect(parts.deDelegationDomain).toBe('a.de');
    expect(parts.deletionDomain).toBeNull();
  });
});
