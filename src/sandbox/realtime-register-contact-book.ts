import type { SimContact, SimVerification } from './realtime-register-contacts.js';
import { contactBodyError, rtrError, segmentError } from './realtime-register-contacts.js';
import { listRows } from './realtime-register-list.js';
import type { SimResponse } from './simulator-server.js';

const CONTACT_FIELDS = new Set([
  'handle', 'brand', 'name', 'organization', 'postalCode', 'city', 'state', 'country', 'email', 'voice', 'fax', 'customer', 'createdDate', 'updatedDate',
]);

/**
 * The contacts of every customer the simulator knows, answered in Realtime Register's wire format. Writes come in
 * already authenticated; this class decides 200/201/400/404/409 and the body.
 */
export class ContactBook {
  private readonly customers = new Map<string, Map<string, SimContact>>();

  constructor(
    seed: Record<string, SimContact[]>,
    private readonly now: () => Date,
  ) {
    for (const [customer, contacts] of Object.entries(seed)) {
      this.customers.set(customer, new Map(contacts.map((contact) => [contact.handle, contact])));
    }
  }

  /** A stored contact (not a copy): for seeding notifications and for tests. */
  contact(customer: string, handle: string): SimContact | undefined {
    return this.customers.get(customer)?.get(handle);
  }

  hasCustomer(customer: string): boolean {
    return this.customers.has(customer);
  }

  contacts(customer: string): SimContact[] {
    return [...(this.customers.get(customer)?.values() ?? [])];
  }

  get(customer: string, handle: string): SimResponse {
    const contacts = this.customerContacts(customer);
    if (!(contacts instanceof Map)) return contacts;
    const invalid = segmentError('handle', handle);
    if (invalid) return invalid;
    const contact = contacts.get(handle);
    return contact ? { status: 200, body: contact } : notFound(handle);
  }

  list(customer: string, query: URLSearchParams): SimResponse {
    const contacts = this.customerContacts(customer);
    if (!(contacts instanceof Map)) return contacts;
    return listRows([...contacts.values()], query, { fields: CONTACT_FIELDS, searchFields: ['handle', 'name', 'organization', 'email'], defaultOrder: 'handle' });
  }

  /** POST .../contacts/{handle}: 201, or 400/404/409. */
  create(customer: string, handle: string, body: Record<string, unknown>): SimResponse {
    const contacts = this.customerContacts(customer);
    if (!(contacts instanceof Map)) return contacts;
    const invalid = segmentError('handle', handle) ?? contactBodyError(body, false);
    if (invalid) return invalid;
    if (body.handle !== undefined && body.handle !== handle) return rtrError(400, 'ValidationError', 'The handle in the body does not match the handle in the path.');
    if (contacts.has(handle)) return rtrError(409, 'ObjectExists', `Contact ${handle} already exists`);
    const now = this.timestamp();
    const { verifications, ...fields } = body as Partial<SimContact>;
    const contact: SimContact = {
      ...(dropNulls(fields) as Omit<SimContact, 'handle' | 'customer' | 'createdDate'>),
      handle,
      customer,
      disclosedFields: fields.disclosedFields ?? [],
      registries: [],
      properties: {},
      createdDate: now,
      ...(verifications?.length ? { verifications: stamp(verifications, now) } : {}),
    };
    contacts.set(handle, contact);
    return { status: 201 };
  }

  /**
   * POST .../contacts/{handle}/update: only the fields sent change (null clears an optional one); `verifications`
   * are added to the stored ones, an item with the same externalId replacing the old one (an assumption).
   */
  update(customer: string, handle: string, body: Record<string, unknown>): SimResponse {
    const refused = this.checkUpdate(customer, handle, body);
    if (refused) return refused;
    const contact = this.customers.get(customer)!.get(handle)!;
    const contacts = this.customers.get(customer)!;
    const now = this.timestamp();
    const { verifications, handle: _handle, ...fields } = body as Partial<SimContact>;
    const updated: SimContact = { ...contact, updatedDate: now };
    for (const [field, value] of Object.entries(fields)) {
      if (value === null) delete (updated as unknown as Record<string, unknown>)[field];
      else (updated as unknown as Record<string, unknown>)[field] = value;
    }
    if (verifications?.length) {
      const added = stamp(verifications, now);
      const kept = (contact.verifications ?? []).filter((old) => !added.some((item) => item.externalId === old.externalId));
      updated.verifications = [...kept, ...added];
    }
    contacts.set(handle, updated);
    return { status: 200 };
  }

  /** What update() would refuse (400/404), or null when it would accept the body. Changes nothing. */
  checkUpdate(customer: string, handle: string, body: Record<string, unknown>): SimResponse | null {
    const contacts = this.customerContacts(customer);
    if (!(contacts instanceof Map)) return contacts;
    const invalid = segmentError('handle', handle);
    if (invalid) return invalid;
    if (!contacts.get(handle)) return notFound(handle);
    const problem = contactBodyError(body, true);
    if (problem) return problem;
    if (body.handle !== undefined && body.handle !== handle) return rtrError(400, 'ValidationError', 'The handle cannot be changed.');
    return null;
  }

  private customerContacts(customer: string): Map<string, SimContact> | SimResponse {
    const invalid = segmentError('customer', customer);
    if (invalid) return invalid;
    return this.customers.get(customer) ?? rtrError(404, 'ObjectDoesNotExist', `Customer ${customer} does not exist`);
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

function notFound(handle: string): SimResponse {
  return rtrError(404, 'ObjectDoesNotExist', `Contact ${handle} does not exist`);
}

function stamp(items: SimVerification[], now: string): SimVerification[] {
  return items.map((item) => ({
    verificationDate: item.verificationDate,
    externalId: item.externalId,
    method: item.method,
    proof: item.proof,
    claims: [...item.claims],
    createdDate: now,
  }));
}

function dropNulls<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null && field !== undefined)) as Partial<T>;
}
