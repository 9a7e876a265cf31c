import { checkVerifications } from '../domain/check-verifications.js';
import { isCountryCode } from '../domain/countries.js';
import { isIsoDateTime } from '../domain/dates.js';
import { isEmailAddress, isRtrHandle, isVoiceNumber } from '../domain/handles.js';
import type { SimResponse } from './simulator-server.js';

/** A verification item as Realtime Register stores and returns it. */
export interface SimVerification {
  verificationDate: string;
  externalId: string;
  method: string;
  proof: string;
  claims: string[];
  createdDate?: string;
}

/** A contact in the wire shape of GET /v2/customers/{customer}/contacts/{handle}. */
export interface SimContact {
  handle: string;
  customer: string;
  brand?: string;
  name: string;
  organization?: string;
  addressLine: string[];
  postalCode: string;
  city: string;
  state?: string;
  country: string;
  email: string;
  voice: string;
  fax?: string;
  disclosedFields: string[];
  registries: string[];
  properties: Record<string, Record<string, string>>;
  createdDate: string;
  updatedDate?: string;
  verifications?: SimVerification[];
}

interface Violation {
  field: string;
  message: string;
  value?: unknown;
}

const REQUIRED = ['name', 'addressLine', 'postalCode', 'city', 'country', 'email', 'voice'] as const;
const OPTIONAL_TEXT = ['brand', 'organization', 'state', 'fax'] as const;
const WRITABLE = new Set<string>([...REQUIRED, ...OPTIONAL_TEXT, 'handle', 'verifications', 'disclosedFields']);

/** Error answers in Realtime Register's shape: `{type, message, ...extras}`. */
export function rtrError(status: number, type: string, message: string, extras: Record<string, unknown> = {}): SimResponse {
  return { status, body: { type, message, ...extras } };
}

export function constraintViolation(violations: Violation[]): SimResponse {
  return rtrError(400, 'ConstraintViolationException', 'Constraint violations', { violations });
}

/**
 * Checks a create (`partial` false) or update (`partial` true) body the way the provider does: unknown properties
 * (UnrecognizedPropertyException), bean-validation style violations (ConstraintViolationException, Java field
 * paths like `verifications[0].claims`), then the DENIC matrix (ValidationError). Null when the body is acceptable.
 */
export function contactBodyError(body: Record<string, unknown>, partial: boolean): SimResponse | null {
  const unknown = Object.keys(body).find((field) => !WRITABLE.has(field));
  if (unknown) return rtrError(400, 'UnrecognizedPropertyException', `Unrecognized field "${unknown}"`, { property: unknown });

  const violations: Violation[] = [];
  for (const field of REQUIRED) {
    const value = body[field];
    if (value === undefined && partial) continue;
    if (value === undefined || value === null || value === '') violations.push({ field, message: 'may not be null' });
  }
  const text = (field: string) => (typeof body[field] === 'string' ? (body[field] as string) : null);
  for (const field of [...REQUIRED.filter((name) => name !== 'addressLine'), ...OPTIONAL_TEXT]) {
    const value = body[field];
    if (value !== undefined && value !== null && typeof value !== 'string') violations.push({ field, message: 'must be a string', value });
  }
  const lines = body.addressLine;
  if (lines !== undefined && lines !== null) {
    if (!Array.isArray(lines) || lines.length < 1 || lines.length > 3) violations.push({ field: 'addressLine', message: 'size must be between 1 and 3' });
    else lines.forEach((line, index) => {
      if (typeof line !== 'string' || line.trim() === '') violations.push({ field: `addressLine[${index}]`, message: 'may not be empty' });
    });
  }
  const country = text('country');
  if (country && !isCountryCode(country)) violations.push({ field: 'country', message: 'must be an ISO 3166-1 alpha-2 country code', value: country });
  const email = text('email');
  if (email && !isEmailAddress(email)) violations.push({ field: 'email', message: 'must be a well-formed email address' });
  for (const field of ['voice', 'fax']) {
    const value = text(field);
    if (value && !isVoiceNumber(value)) violations.push({ field, message: 'must match "^\\+[0-9]{1,3}\\.[0-9]{1,14}$"', value });
  }
  if (body.verifications !== undefined) violations.push(...verificationShapeViolations(body.verifications));
  if (violations.length) return constraintViolation(violations);
  return body.verifications !== undefined ? matrixError(body.verifications as SimVerification[]) : null;
}

/** Each item needs verificationDate, externalId (≤255), method, proof and claims. */
function verificationShapeViolations(value: unknown): Violation[] {
  if (!Array.isArray(value)) return [{ field: 'verifications', message: 'must be an array' }];
  const violations: Violation[] = [];
  value.forEach((item: Partial<SimVerification> | null, index) => {
    const at = (field: string) => `verifications[${index}].${field}`;
    if (typeof item !== 'object' || item === null) {
      violations.push({ field: `verifications[${index}]`, message: 'must be an object' });
      return;
    }
    if (typeof item.verificationDate !== 'string' || !isIsoDateTime(item.verificationDate)) {
      violations.push({ field: at('verificationDate'), message: 'must be an ISO 8601 date-time' });
    }
    if (typeof item.externalId !== 'string' || item.externalId === '') violations.push({ field: at('externalId'), message: 'may not be empty' });
    else if (item.externalId.length > 255) violations.push({ field: at('externalId'), message: 'size must be between 1 and 255' });
    if (typeof item.method !== 'string') violations.push({ field: at('method'), message: 'may not be null' });
    if (typeof item.proof !== 'string') violations.push({ field: at('proof'), message: 'may not be null' });
    if (!Array.isArray(item.claims) || item.claims.length === 0) violations.push({ field: at('claims'), message: 'may not be empty' });
  });
  return violations;
}

/** The DENIC matrix, checked with the same rules the gateway uses (src/domain), answered as the provider would. */
function matrixError(items: SimVerification[]): SimResponse | null {
  const drafts = items.map((item) => ({ verifiedAt: item.verificationDate, externalId: item.externalId, method: item.method, proof: item.proof, claims: item.claims }));
  const { problems } = checkVerifications(drafts);
  const first = problems[0];
  if (!first) return null;
  const index = first.path[1] ?? '0';
  return rtrError(400, 'ValidationError', `Invalid verification ${index}: ${first.message}`);
}

/** A handle or customer path segment the provider would refuse. */
export function segmentError(field: 'handle' | 'customer', value: string): SimResponse | null {
  return isRtrHandle(value) ? null : constraintViolation([{ field, message: 'must match "^[a-zA-Z0-9\\-_@.]{3,40}$"', value }]);
}
