import { seededRandom } from './seeded-random.js';
/**
 * Seed data of the Openprovider simulator: contact handles OP000001-NL upward, each with one email address used by
 * one to five domains (one verification row per email and domain, as Openprovider keeps them). Deterministic for a
 * seed and a start time (expiration dates are relative to it).
 */

/** A verification row as the simulator stores it (wire field names; expiration as an instant, null for none). */
export interface OpenproviderSimRow {
  id: number;
  domain: string;
  email: string;
  handle: string;
  status: 'not verified' | 'in progress' | 'verified' | 'failed';
  description: '' | 'expired' | 'bounced';
  is_suspended: boolean;
  /** Epoch ms; written as Amsterdam wall time while "in progress", else the zero date. */
  expiresAt: number | null;
}

export interface OpenproviderSimCustomer {
  id: number;
  handle: string;
  name: { first_name: string; prefix: string; last_name: string; full_name: string; initials: string };
  company_name: string;
  address: { street: string; number: string; suffix: string; zipcode: string; city: string; state: string; country: string };
  phone: { country_code: string; area_code: string; subscriber_number: string };
  fax: { country_code: string; area_code: string; subscriber_number: string };
  email: string;
  /**
   * Swagger `customerCustomer.email_verification_status`, "Status of email verification procedure"; its example is
   * "ACT". Other values are not published: the simulator writes "ACT" for a verified address and "INA" otherwise.
   */
  email_verification_status: string;
  locale: string;
  is_deleted: boolean;
  reseller_id: number;
}

export interface OpenproviderSeed {
  rows: OpenproviderSimRow[];
  customers: Map<string, OpenproviderSimCustomer>;
}

/** Every status / description / suspension combination; the first handles take one each so all are present. */
export const OPENPROVIDER_COMBINATIONS: Pick<OpenproviderSimRow, 'status' | 'description' | 'is_suspended'>[] = [
  { status: 'not verified', description: '', is_suspended: false },
  { status: 'not verified', description: '', is_suspended: true },
  { status: 'in progress', description: '', is_suspended: false },
  { status: 'in progress', description: '', is_suspended: true },
  { status: 'verified', description: '', is_suspended: false },
  { status: 'verified', description: '', is_suspended: true },
  { status: 'failed', description: 'expired', is_suspended: false },
  { status: 'failed', description: 'expired', is_suspended: true },
  { status: 'failed', description: 'bounced', is_suspended: false },
  { status: 'failed', description: 'bounced', is_suspended: true },
];

/**
 * One registrant address that also exists at the Domain Name API simulator (contact DNA-1010), so a filter on it
 * shows rows of both providers in one connection.
 */
export const SHARED_REGISTRANT_EMAIL = 'shared.registrant@example.com';
const SHARED_HANDLE_INDEX = 12;

/** ICANN gives the registrant 15 days to verify. */
export const VERIFICATION_WINDOW_MS = 15 * 86_400_000;

const FIRST = ['Anna', 'Bram', 'Chloe', 'Daan', 'Emma', 'Finn', 'Gijs', 'Hanna', 'Isa', 'Jan', 'Katja', 'Lars', 'Mila', 'Noah', 'Olga', 'Pieter', 'Quinn', 'Ruben', 'Sanne', 'Tim', 'Uma', 'Vera', 'Wout', 'Xander', 'Yara', 'Zoe'];
const LAST = ['Jansen', 'de Vries', 'van Dijk', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'Dekker', 'Brouwer', 'Schmidt', 'Dubois', 'Rossi', 'Novak'];
const WORDS = ['tulip', 'canal', 'bike', 'windmill', 'harbor', 'polder', 'dune', 'bakery', 'studio', 'garden', 'lantern', 'atlas', 'orbit', 'pixel', 'maple', 'river', 'summit', 'harvest', 'beacon', 'meadow'];
const TLDS = ['com', 'net', 'org', 'nl', 'eu', 'de', 'be', 'io', 'shop', 'online'];
const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org', 'mail.example'];
const PLACES: { city: string; state: string; country: string; countryCode: string; zipcode: () => string }[] = [
  { city: 'Amsterdam', state: 'Noord-Holland', country: 'NL', countryCode: '+31', zipcode: () => '1012 AB' },
  { city: 'Utrecht', state: 'Utrecht', country: 'NL', countryCode: '+31', zipcode: () => '3511 CE' },
  { city: 'Rotterdam', state: 'Zuid-Holland', country: 'NL', countryCode: '+31', zipcode: () => '3011 AD' },
  { city: 'Berlin', state: 'Berlin', country: 'DE', countryCode: '+49', zipcode: () => '10115' },
  { city: 'Antwerpen', state: 'Antwerpen', country: 'BE', countryCode: '+32', zipcode: () => '2000' },
  { city: 'Lyon', state: 'Rhone', country: 'FR', countryCode: '+33', zipcode: () => '69001' },
];
const STATUS_WEIGHTS: [OpenproviderSimRow['status'], number][] = [
  ['verified', 0.4],
  ['in progress', 0.2],
  ['not verified', 0.15],
  ['failed', 0.25],
];


/** `OP000001-NL`. */
export function openproviderHandle(index: number): string {
  return `OP${String(index).padStart(6, '0')}-NL`;
}

/** Builds the seed: `handles` contacts with 1-5 domains each (900 handles give about 2,300 rows). */
export function seedOpenprovider(seed: number, startMs: number, handles = 900): OpenproviderSeed {
  const random = seededRandom(seed * 7919 + 17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const rows: OpenproviderSimRow[] = [];
  const customers = new Map<string, OpenproviderSimCustomer>();
  const domainCounts = [1, 1, 2, 2, 3, 3, 4, 5];
  for (let index = 1; index <= handles; index++) {
    const handle = openproviderHandle(index);
    const first = pick(FIRST);
    const last = pick(LAST);
    const place = pick(PLACES);
    const generated = `${first}.${last.replace(/\s+/g, '')}${index}@${pick(MAIL_DOMAINS)}`.toLowerCase();
    const email = index === SHARED_HANDLE_INDEX ? SHARED_REGISTRANT_EMAIL : generated;
    const hasCompany = random() < 0.3;
    customers.set(handle, {
      id: 100_000 + index,
      handle,
      name: {
        first_name: first,
        prefix: '',
        last_name: last,
        full_name: `${first} ${last}`,
        initials: `${first[0]} ${last.split(' ').at(-1)![0]}`,
      },
      company_name: hasCompany ? `${capitalize(pick(WORDS))} ${pick(['B.V.', 'GmbH', 'BV', 'SARL'])}` : '',
      address: {
        street: `${capitalize(pick(WORDS))}straat`,
        number: String(1 + Math.floor(random() * 200)),
        suffix: random() < 0.2 ? 'A' : '',
        zipcode: place.zipcode(),
        city: place.city,
        state: place.state,
        country: place.country,
      },
      phone: { country_code: place.countryCode, area_code: String(10 + Math.floor(random() * 80)), subscriber_number: String(1_000_000 + Math.floor(random() * 8_999_999)) },
      fax: { country_code: '', area_code: '', subscriber_number: '' },
      email,
      email_verification_status: 'INA',
      locale: place.country === 'NL' ? 'nl_NL' : 'en_GB',
      is_deleted: false,
      reseller_id: 123456,
    });

    const forced = OPENPROVIDER_COMBINATIONS[index - 1];
    const status = forced?.status ?? weighted(random);
    if (status === 'verified') customers.get(handle)!.email_verification_status = 'ACT';
    const description = forced ? forced.description : status === 'failed' ? (random() < 0.5 ? 'expired' : 'bounced') : '';
    const expiresAt = status === 'in progress' ? startMs + Math.floor((0.5 + random() * 14) * 86_400_000 / 60_000) * 60_000 : null;
    const domains = forced ? Math.max(2, pick(domainCounts)) : pick(domainCounts);
    for (let d = 0; d < domains; d++) {
      const suspended =
        forced && d === 0 ? forced.is_suspended : status === 'failed' ? random() < 0.8 : status === 'verified' ? random() < 0.03 : random() < 0.1;
      rows.push({
        id: rows.length + 1,
        domain: `${pick(WORDS)}-${last.split(' ').at(-1)!.toLowerCase()}${index}${d ? `-${d}` : ''}.${pick(TLDS)}`,
        email,
        handle,
        status,
        description,
        is_suspended: suspended,
        expiresAt,
      });
    }
  }
  return { rows, customers };
}

function weighted(random: () => number): OpenproviderSimRow['status'] {
  let roll = random();
  for (const [status, weight] of STATUS_WEIGHTS) {
    if (roll < weight) return status;
    roll -= weight;
  }
  return 'verified';
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
