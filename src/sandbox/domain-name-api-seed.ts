import { seededRandom } from './seeded-random.js';
/**
 * Seed data of the Domain Name API simulator: 200 contacts DNA-1001 to DNA-1200 in every verification status, with
 * contact fields. Deterministic for a seed and a start time (dates are relative to it).
 */

export type DnaSimStatus = 'NotValidated' | 'Pending' | 'Validated' | 'Expired';

export interface DnaSimContact {
  externalId: string;
  email: string;
  status: DnaSimStatus;
  /** Epoch ms or null; written offset-less in the simulator's zone (Istanbul by default). */
  expiresAt: number | null;
  lastNotifiedAt: number | null;
  firstName: string;
  lastName: string;
  company: string;
  addressLine1: string;
  addressLine2: string;
  addressLine3: string;
  city: string;
  state: string;
  zipCode: string;
  country: string;
  phone: string;
  phoneCountryCode: string;
}

/** The verification key is valid for 60 days (the article). */
export const DNA_KEY_LIFETIME_MS = 60 * 86_400_000;
/**
 * One registrant address that also exists at the Openprovider simulator (handle OP000012-NL), so a filter on it shows
 * rows of both providers in one connection. Each simulator's seed stands alone, hence the repeated constant.
 */
export const SHARED_REGISTRANT_EMAIL = 'shared.registrant@example.com';
const SHARED_CONTACT_NUMBER = 1010;
export const DNA_STATUSES: DnaSimStatus[] = ['NotValidated', 'Pending', 'Validated', 'Expired'];

const DAY = 86_400_000;
const FIRST = ['Ahmet', 'Ayse', 'Mehmet', 'Elif', 'Can', 'Zeynep', 'Emre', 'Selin', 'Burak', 'Derya', 'Kerem', 'Leyla', 'Oya', 'Tarik', 'Deniz', 'Hakan'];
const LAST = ['Yilmaz', 'Kaya', 'Demir', 'Sahin', 'Celik', 'Yildiz', 'Aydin', 'Ozturk', 'Arslan', 'Dogan', 'Kilic', 'Aslan'];
const CITIES: { city: string; state: string; zip: string }[] = [
  { city: 'Istanbul', state: 'Istanbul', zip: '34000' },
  { city: 'Ankara', state: 'Ankara', zip: '06000' },
  { city: 'Izmir', state: 'Izmir', zip: '35000' },
  { city: 'Bursa', state: 'Bursa', zip: '16000' },
  { city: 'Antalya', state: 'Antalya', zip: '07000' },
];
const MAIL_DOMAINS = ['example.com', 'example.net', 'example.org'];


export function seedDomainNameApi(seed: number, startMs: number, count = 200): DnaSimContact[] {
  const random = seededRandom(seed * 104_729 + 3);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const minutes = (ms: number) => Math.floor(ms / 60_000) * 60_000;
  const contacts: DnaSimContact[] = [];
  for (let index = 0; index < count; index++) {
    const number = 1001 + index;
    const first = pick(FIRST);
    const last = pick(LAST);
    const place = pick(CITIES);
    // The first four take one status each, so every status is present; the rest are drawn.
    const status = index < DNA_STATUSES.length ? DNA_STATUSES[index]! : pick(DNA_STATUSES);
    let lastNotifiedAt: number | null = null;
    let expiresAt: number | null = null;
    if (status === 'Pending') {
      lastNotifiedAt = minutes(startMs - random() * 50 * DAY);
      expiresAt = lastNotifiedAt + DNA_KEY_LIFETIME_MS;
    } else if (status === 'Expired') {
      lastNotifiedAt = minutes(startMs - (61 + random() * 140) * DAY);
      expiresAt = lastNotifiedAt + DNA_KEY_LIFETIME_MS;
    } else if (status === 'Validated') {
      lastNotifiedAt = minutes(startMs - (1 + random() * 300) * DAY);
    } else if (random() < 0.5) {
      // Not validated, but a notice went out and its key is still valid (the article's example).
      lastNotifiedAt = minutes(startMs - random() * 30 * DAY);
      expiresAt = lastNotifiedAt + DNA_KEY_LIFETIME_MS;
    }
    contacts.push({
      externalId: `DNA-${number}`,
      email: number === SHARED_CONTACT_NUMBER ? SHARED_REGISTRANT_EMAIL : `${first}.${last}.${number}@${pick(MAIL_DOMAINS)}`.toLowerCase(),
      status,
      expiresAt,
      lastNotifiedAt,
      firstName: first,
      lastName: last,
      company: random() < 0.35 ? `${last} Bilisim A.S.` : '',
      addressLine1: `${pick(['Ataturk', 'Cumhuriyet', 'Istiklal', 'Bagdat'])} Cad. No:${1 + Math.floor(random() * 150)}`,
      addressLine2: random() < 0.4 ? `Daire ${1 + Math.floor(random() * 30)}` : '',
      addressLine3: '',
      city: place.city,
      state: place.state,
      zipCode: place.zip,
      country: 'TR',
      phone: `5${String(Math.floor(random() * 1_000_000_000)).padStart(9, '0')}`,
      phoneCountryCode: '90',
    });
  }
  return contacts;
}
