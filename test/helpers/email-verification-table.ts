import { emailVerificationKey, type EmailVerification } from '../../src/domain/email-verification.js';
import type { EmailVerificationService } from '../../src/services/email-verifications.js';

/** An Openprovider row for `email` on example.com, with handle `h-<local part>`. */
export function emailRow(email: string, status: EmailVerification['status']): EmailVerification {
  return {
    provider: 'OPENPROVIDER',
    email,
    handle: `h-${email.split('@')[0]}`,
    domain: 'example.com',
    status,
    failureReason: null,
    providerStatus: status.toLowerCase(),
    suspended: false,
    expiresAt: null,
    lastNotifiedAt: null,
  };
}

/** An email service over a mutable table (what the providers hold); list pages by 2 to exercise paging. */
export function fakeEmailService(rows: Map<string, EmailVerification>, calls: string[] = []): EmailVerificationService {
  return {
    async list(filter, page) {
      calls.push('list');
      const matching = [...rows.values()].filter((item) => !filter?.status?.length || filter.status.includes(item.status));
      const start = page.after ? Number(page.after) : 0;
      const slice = matching.slice(start, start + 2);
      return {
        items: slice.map((node, i) => ({ cursor: String(start + i + 1), node })),
        totalCount: matching.length,
        hasNextPage: start + 2 < matching.length,
        hasPreviousPage: start > 0,
      };
    },
    async get(id) {
      calls.push(`get:${id}`);
      return rows.get(id) ?? null;
    },
    forContact: async () => [],
    resend: async () => null,
  };
}

/** Puts the row in the table, replacing the one with the same key. */
export function putRow(rows: Map<string, EmailVerification>, row: EmailVerification): void {
  rows.set(emailVerificationKey(row), row);
}
