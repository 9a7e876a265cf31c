import { isIsoDate } from '../domain/dates.js';
import type { FieldProblem } from '../domain/field-problem.js';
import { problem } from '../domain/field-problem.js';
import type { RegistryCheckRequest } from '../domain/registry-check.js';
import { isUuid } from '../domain/handles.js';
import { overlongTextProblems } from '../domain/input-text.js';
import type { RegistrySubmission } from '../providers/veriff/map.js';

/** What validateRegistry takes (the GraphQL ValidateRegistryInput). */
export type ValidateRegistryInput = RegistryCheckRequest;

/**
 * Veriff's limit on vendorData (providers/veriff.md, "Request"), the only bound it publishes: every other field is held
 * to it too, so no caller sends Veriff 50,000 characters of a name or an ID number through the gateway.
 */
export const VENDOR_DATA_MAX = 1000;

const STRUCTURED_ADDRESS = ['street', 'houseNumber', 'postcode'] as const;

/**
 * Veriff's required-field rules, checked before anything is sent, plus the formats the gateway can check itself.
 * Paths are relative to the input object (['idNumber'], ['address', 'postcode']); messages never quote a value.
 * Returns the trimmed submission, or the problems.
 */
export function checkRegistryInput(
  input: ValidateRegistryInput,
  today: string = new Date().toISOString().slice(0, 10),
): { submission: RegistrySubmission; problems: [] } | { submission: null; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const idNumber = text(input.idNumber);
  const fullName = text(input.fullName);
  const firstName = text(input.firstName);
  const lastName = text(input.lastName);
  const dateOfBirth = text(input.dateOfBirth);
  const endUserId = text(input.endUserId);
  const vendorData = text(input.vendorData);
  const address = input.address
    ? {
        fullAddress: text(input.address.fullAddress),
        street: text(input.address.street),
        houseNumber: text(input.address.houseNumber),
        postcode: text(input.address.postcode),
        city: text(input.address.city),
        state: text(input.address.state),
        unit: text(input.address.unit),
      }
    : null;

  if (!idNumber) problems.push(problem(['idNumber'], 'REQUIRED', 'idNumber is required.'));

  if (!fullName) {
    if (!firstName && !lastName) {
      problems.push(problem(['fullName'], 'REQUIRED', 'A name is required: fullName, or firstName + lastName.'));
    } else if (!firstName) {
      problems.push(problem(['firstName'], 'REQUIRED', 'firstName is required with lastName (or give fullName).'));
    } else if (!lastName) {
      problems.push(problem(['lastName'], 'REQUIRED', 'lastName is required with firstName (or give fullName).'));
    }
  }

  if (dateOfBirth) {
    if (!isIsoDate(dateOfBirth)) {
      problems.push(problem(['dateOfBirth'], 'INVALID_FORMAT', 'dateOfBirth must be a date written YYYY-MM-DD.'));
    } else if (dateOfBirth > today) {
      problems.push(problem(['dateOfBirth'], 'INVALID_VALUE', 'dateOfBirth cannot be in the future.'));
    }
  }

  const addressGiven = !!address && Object.values(address).some((value) => value !== null);
  let addressComplete = false;
  if (address && addressGiven && !address.fullAddress) {
    const structured = STRUCTURED_ADDRESS.filter((field) => address[field] !== null);
    if (structured.length === 0) {
      problems.push(problem(['address', 'fullAddress'], 'REQUIRED', 'An address needs fullAddress, or street + houseNumber + postcode.'));
    } else {
      for (const field of STRUCTURED_ADDRESS) {
        if (!address[field]) problems.push(problem(['address', field], 'REQUIRED', `address.${field} is required with ${structured.map((name) => `address.${name}`).join(' and ')} (or give address.fullAddress).`));
      }
    }
    addressComplete = structured.length === STRUCTURED_ADDRESS.length;
  } else if (address?.fullAddress) {
    addressComplete = true;
  }
  if (!dateOfBirth && !addressGiven) {
    problems.push(problem(['dateOfBirth'], 'REQUIRED', 'dateOfBirth or an address (fullAddress, or street + houseNumber + postcode) is required.'));
  }

  problems.push(...overlongTextProblems(input, VENDOR_DATA_MAX));
  if (endUserId && !isUuid(endUserId)) {
    problems.push(problem(['endUserId'], 'INVALID_FORMAT', 'endUserId must be a UUID.'));
  }

  if (idNumber) problems.push(...repeatsOfIdNumber(idNumber, { fullName, firstName, lastName, vendorData, endUserId, phoneNumber: text(input.phoneNumber) }, address));

  if (problems.length || !idNumber) return { submission: null, problems };
  return {
    submission: {
      idNumber,
      fullName,
      firstName,
      lastName,
      dateOfBirth,
      phoneNumber: text(input.phoneNumber),
      address: addressComplete ? address : null,
      endUserId,
      vendorData,
    },
    problems: [],
  };
}

/** Shorter ID numbers are not looked for elsewhere: a few characters can occur in a name or an address by chance. */
const MIN_REPEATED_ID_LENGTH = 5;

/**
 * The other fields that hold the ID number (ignoring case, spaces and punctuation). vendorData and endUserId are
 * stored and returned as given (a UUID's last group is twelve digits: room for an ID number), and names and addresses
 * come back in Veriff's decision and are stored with the check, so an ID number put there (vendorData = the customer's
 * national ID is a tempting shortcut) would be kept and returned whole, which the gateway promises never to do.
 * Refused before anything is sent.
 */
function repeatsOfIdNumber(idNumber: string, fields: Record<string, string | null>, address: Record<string, string | null> | null): FieldProblem[] {
  const needle = compact(idNumber);
  if (needle.length < MIN_REPEATED_ID_LENGTH) return [];
  const paths: string[][] = [
    ...Object.entries(fields).filter(([, value]) => value && compact(value).includes(needle)).map(([name]) => [name]),
    ...Object.entries(address ?? {}).filter(([, value]) => value && compact(value).includes(needle)).map(([name]) => ['address', name]),
  ];
  return paths.map((path) => problem(path, 'INVALID_VALUE', `${path.join('.')} must not contain the ID number: it would be stored and returned; the ID number goes in idNumber only.`));
}

function compact(value: string): string {
  return asciiDigits(value).replace(/[^\p{L}\p{N}]/gu, '').toUpperCase();
}

/**
 * Every script's decimal digits as ASCII ones, so the same number written in full-width or Arabic-Indic digits in one
 * field and ASCII in another is still found (it was stored and returned). Unicode lays out each script's 0-9 as ten
 * consecutive code points (and places some such runs side by side), so a digit's value is the count of decimal digits
 * just before it, modulo 10.
 */
function asciiDigits(value: string): string {
  return value.replace(DECIMAL_DIGIT, (digit) => {
    let before = 0;
    for (let code = digit.codePointAt(0)! - 1; before < MAX_DIGIT_RUN && ONE_DECIMAL_DIGIT.test(String.fromCodePoint(code)); code--) before++;
    return String(before % 10);
  });
}

const DECIMAL_DIGIT = /\p{Nd}/gu;
const ONE_DECIMAL_DIGIT = /^\p{Nd}$/u;
/** The longest run of consecutive decimal digit code points in Unicode (the mathematical digits, U+1D7CE-U+1D7FF). */
const MAX_DIGIT_RUN = 50;

/** Trimmed, or null when absent or blank. */
function text(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed === '' ? null : trimmed;
}
