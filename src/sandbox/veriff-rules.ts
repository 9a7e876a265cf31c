/**
 * The Veriff simulator's rules, kept apart from its HTTP plumbing: request checks (1102), the outcome chosen by the
 * ID number's last digit, and the decision envelope (providers/veriff.md, "Responses").
 */

/** Veriff's status strings and decision codes, per outcome. */
export const OUTCOMES = {
  approved: { code: 9001, reason: null, reasonCode: null },
  declined: { code: 9102, reason: 'Unable to pass registry checks', reasonCode: 123 },
  resubmission_requested: { code: 9103, reason: 'Resubmission requested', reasonCode: null },
  expired: { code: 9104, reason: null, reasonCode: null },
  abandoned: { code: 9104, reason: null, reasonCode: null },
  review: { code: 9121, reason: null, reasonCode: null },
} as const;
export type VeriffOutcome = keyof typeof OUTCOMES;

/**
 * The sandbox's deterministic decision, from the last digit in the ID number: 1 declined (reasonCode 123),
 * 2 resubmission_requested, 3 expired, 4 abandoned, 5 review, anything else approved.
 */
export function outcomeForIdNumber(idNumber: string): VeriffOutcome {
  const digits = idNumber.replace(/\D/g, '');
  switch (digits.slice(-1)) {
    case '1':
      return 'declined';
    case '2':
      return 'resubmission_requested';
    case '3':
      return 'expired';
    case '4':
      return 'abandoned';
    case '5':
      return 'review';
    default:
      return 'approved';
  }
}

/** What the simulator keeps of a request once it has decided: never the full ID number. */
export interface RegistrySubject {
  idNumberLast4: string;
  firstName: string | null;
  lastName: string | null;
  dateOfBirth: string | null;
  addresses: string[];
  vendorData: string | null;
  endUserId: string | null;
}

/** A checked request: the subject to decide on, or the 1102 message for the first missing field. */
export type RequestReading = { ok: true; idNumber: string; subject: RegistrySubject } | { ok: false; message: string };

const MISSING = 'Request is missing required field';

/**
 * Veriff's required fields, first failure wins: idNumber; fullName or firstName + lastName; dateOfBirth or address;
 * an address with fullAddress or street + houseNumber + postcode. A value that is not a non-blank string counts as
 * missing (Veriff wants every value as a string).
 */
export function readRegistryRequest(value: unknown): RequestReading {
  const verification = objectAt(value, 'verification');
  const person = objectAt(verification, 'person');
  if (!verification || !person) return { ok: false, message: `${MISSING} verification.person` };
  const idNumber = stringAt(person, 'idNumber');
  if (!idNumber) return { ok: false, message: `${MISSING} idNumber` };
  const fullName = stringAt(person, 'fullName');
  let firstName = stringAt(person, 'firstName');
  let lastName = stringAt(person, 'lastName');
  if (!fullName && !(firstName && lastName)) return { ok: false, message: `${MISSING} fullName or (firstName + lastName)` };
  const dateOfBirth = stringAt(person, 'dateOfBirth');
  const address = objectAt(verification, 'address');
  if (!dateOfBirth && !address) return { ok: false, message: `${MISSING} 'dateOfBirth' or 'address'` };
  let fullAddress: string | null = null;
  if (address) {
    fullAddress = stringAt(address, 'fullAddress');
    const street = stringAt(address, 'street');
    const houseNumber = stringAt(address, 'houseNumber');
    const postcode = stringAt(address, 'postcode');
    if (!fullAddress && !(street && houseNumber && postcode)) return { ok: false, message: `${MISSING} fullAddress or (street + houseNumber + postcode)` };
    if (!fullAddress) {
      const unit = stringAt(address, 'unit');
      const place = [stringAt(address, 'city'), stringAt(address, 'state')].filter(Boolean).join(' ');
      fullAddress = `${street} ${houseNumber}${unit ? `-${unit}` : ''}, ${postcode}${place ? ` ${place}` : ''}`;
    }
  }
  if (fullName && !(firstName && lastName)) {
    const parts = fullName.split(/\s+/);
    lastName = parts.length > 1 ? parts.pop()! : null;
    firstName = parts.join(' ');
  }
  return {
    ok: true,
    idNumber,
    subject: {
      idNumberLast4: idNumber.slice(-4),
      firstName: firstName?.toUpperCase() ?? null,
      lastName: lastName?.toUpperCase() ?? null,
      dateOfBirth: dateOfBirth && /^\d{4}-\d{2}-\d{2}$/.test(dateOfBirth) ? dateOfBirth : null,
      addresses: fullAddress ? [fullAddress.toUpperCase()] : [],
      vendorData: stringAt(verification, 'vendorData'),
      endUserId: stringAt(verification, 'endUserId'),
    },
  };
}

/** Seeded towns, picked per subject so the same request always gets the same place of birth. */
const PLACES_OF_BIRTH = ['TALLINN', 'TARTU', 'NARVA', 'PÄRNU', 'RIGA', 'VILNIUS', 'HELSINKI', 'STOCKHOLM'];

/** FNV-1a over seed and text: a stable small hash for seeded choices. */
function stableHash(seed: number, text: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (const char of text) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash;
}

/**
 * The decision envelope (sync 200 body and decision webhook body alike). The person is derived from the request for
 * approved and review outcomes (names upper-cased as registries print them); for the others the registry confirmed
 * nothing and every person field is null. `idNumber` is echoed only when given (the sync answer, sent while the
 * request is at hand); webhook decisions carry null because the simulator does not keep the number.
 */
export function decisionEnvelope(options: {
  sessionId: string;
  outcome: VeriffOutcome;
  subject: RegistrySubject;
  seed: number;
  idNumber: string | null;
  acceptanceTime: string;
  decisionTime: string;
}): Record<string, unknown> {
  const { outcome, subject } = options;
  const { code, reason, reasonCode } = OUTCOMES[outcome];
  const confirmed = outcome === 'approved' || outcome === 'review';
  const place = PLACES_OF_BIRTH[stableHash(options.seed, `${subject.idNumberLast4}|${subject.lastName ?? ''}`) % PLACES_OF_BIRTH.length]!;
  return {
    status: 'success',
    verification: {
      id: options.sessionId,
      code,
      status: outcome,
      person: {
        firstName: confirmed ? subject.firstName : null,
        lastName: confirmed ? subject.lastName : null,
        idNumber: options.idNumber,
        dateOfBirth: confirmed ? subject.dateOfBirth : null,
        yearOfBirth: confirmed && subject.dateOfBirth ? subject.dateOfBirth.slice(0, 4) : null,
        placeOfBirth: confirmed ? place : null,
        addresses: confirmed ? subject.addresses.map((fullAddress) => ({ fullAddress })) : [],
      },
      reason,
      reasonCode,
      document: { number: null, type: null, country: null, validFrom: null, validUntil: null },
      vendorData: subject.vendorData,
      endUserId: subject.endUserId,
      decisionTime: options.decisionTime,
      acceptanceTime: options.acceptanceTime,
      additionalVerifiedData: { failedValidation: outcome === 'declined' ? 'idNumber' : null },
    },
    technicalData: { ip: null },
  };
}

/** The recorded request log must not hold the full ID number: all but the last four characters become '*'. */
export function maskIdNumberInBody(text: string): string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  const person = objectAt(objectAt(value, 'verification'), 'person');
  if (!person || typeof person.idNumber !== 'string') return text;
  const id = person.idNumber;
  person.idNumber = `${'*'.repeat(Math.max(0, id.length - 4))}${id.slice(-4)}`;
  return JSON.stringify(value);
}

function objectAt(value: unknown, key: string): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null) return null;
  const inner = (value as Record<string, unknown>)[key];
  return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? (inner as Record<string, unknown>) : null;
}

function stringAt(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}
