import { seededRandom } from './seeded-random.js';
import type { SimContact, SimVerification } from './realtime-register-contacts.js';
import type { DenicRequestOptions } from './realtime-register-notifications.js';

/**
 * Deterministic sandbox data for the Realtime Register simulator: customer `sandbox` with contacts rtr-0001 to
 * rtr-0500 across thirteen countries (Germany most, .de holders being the DENIC case), some of them companies and
 * some already holding verification evidence. Same seed, same data, on every run.
 */


interface City {
  city: string;
  postalCodes: string[];
  state?: string;
  /** Local area code after the country code, e.g. 30 for Berlin. */
  area: string;
}

interface Country {
  code: string;
  dial: string;
  tld: string;
  weight: number;
  /** House number after the street (most of Europe) or before it (GB, FR, US). */
  numberFirst: boolean;
  first: string[];
  last: string[];
  streets: string[];
  cities: City[];
  industries: string[];
  legalForm: string;
}

const COUNTRIES: Country[] = [
  {
    code: 'DE', dial: '49', tld: 'de', weight: 30, numberFirst: false, legalForm: 'GmbH',
    first: ['Lukas', 'Anna', 'Felix', 'Lena', 'Jonas', 'Marie', 'Tobias', 'Katharina', 'Stefan', 'Julia', 'Matthias', 'Sabine'],
    last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter'],
    streets: ['Hauptstraße', 'Schillerstraße', 'Goethestraße', 'Bahnhofstraße', 'Lindenallee', 'Friedrichstraße', 'Am Markt'],
    cities: [
      { city: 'Berlin', postalCodes: ['10115', '10117', '10243', '12043'], area: '30' },
      { city: 'Hamburg', postalCodes: ['20095', '20257', '22765'], area: '40' },
      { city: 'München', postalCodes: ['80331', '80469', '81675'], area: '89' },
      { city: 'Köln', postalCodes: ['50667', '50733'], area: '221' },
      { city: 'Leipzig', postalCodes: ['04109', '04275'], area: '341' },
      { city: 'Frankfurt am Main', postalCodes: ['60311', '60594'], area: '69' },
    ],
    industries: ['Webdesign', 'Hosting', 'Medien', 'Software', 'Handel', 'Beratung'],
  },
  {
    code: 'NL', dial: '31', tld: 'nl', weight: 20, numberFirst: false, legalForm: 'B.V.',
    first: ['Daan', 'Sanne', 'Bram', 'Lieke', 'Jeroen', 'Femke', 'Thijs', 'Anouk', 'Ruben', 'Eline'],
    last: ['de Vries', 'Jansen', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'Bos'],
    streets: ['Keizersgracht', 'Oudegracht', 'Coolsingel', 'Vismarkt', 'Diezerstraat', 'Kerkstraat', 'Stationsweg'],
    cities: [
      { city: 'Amsterdam', postalCodes: ['1012 AB', '1015 CJ', '1071 XX'], area: '20' },
      { city: 'Utrecht', postalCodes: ['3511 LX', '3581 KW'], area: '30' },
      { city: 'Rotterdam', postalCodes: ['3011 AD', '3012 CN'], area: '10' },
      { city: 'Groningen', postalCodes: ['9711 LM', '9712 CP'], area: '50' },
      { city: 'Zwolle', postalCodes: ['8011 XP', '8021 AM'], area: '38' },
    ],
    industries: ['Webdiensten', 'Hosting', 'Media', 'Software', 'Internet'],
  },
  {
    code: 'BE', dial: '32', tld: 'be', weight: 8, numberFirst: false, legalForm: 'BV',
    first: ['Lucas', 'Emma', 'Louis', 'Olivia', 'Arthur', 'Louise', 'Wout', 'Lotte'],
    last: ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Willems', 'Claes', 'Goossens', 'Wouters'],
    streets: ['Meir', 'Veldstraat', 'Rue Neuve', 'Bondgenotenlaan', 'Grote Markt'],
    cities: [
      { city: 'Antwerpen', postalCodes: ['2000', '2018'], area: '3' },
      { city: 'Gent', postalCodes: ['9000'], area: '9' },
      { city: 'Bruxelles', postalCodes: ['1000', '1050'], area: '2' },
      { city: 'Leuven', postalCodes: ['3000'], area: '16' },
    ],
    industries: ['Digital', 'Hosting', 'Media', 'Consulting'],
  },
  {
    code: 'FR', dial: '33', tld: 'fr', weight: 8, numberFirst: true, legalForm: 'SARL',
    first: ['Camille', 'Hugo', 'Chloé', 'Lucas', 'Manon', 'Théo', 'Léa', 'Nicolas'],
    last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'],
    streets: ['rue de la République', 'avenue Victor Hugo', 'rue Nationale', 'boulevard Saint-Michel', 'rue du Port'],
    cities: [
      { city: 'Paris', postalCodes: ['75001', '75011', '75015'], area: '1' },
      { city: 'Lyon', postalCodes: ['69001', '69003'], area: '4' },
      { city: 'Marseille', postalCodes: ['13001', '13008'], area: '4' },
      { city: 'Nantes', postalCodes: ['44000'], area: '2' },
    ],
    industries: ['Numérique', 'Hébergement', 'Médias', 'Conseil'],
  },
  {
    code: 'GB', dial: '44', tld: 'co.uk', weight: 8, numberFirst: true, legalForm: 'Ltd',
    first: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Emily', 'Jack', 'Sophie'],
    last: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Walker'],
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Mill Lane'],
    cities: [
      { city: 'London', postalCodes: ['EC1A 1BB', 'N1 9GU', 'SE1 7PB'], area: '20' },
      { city: 'Manchester', postalCodes: ['M1 1AE', 'M4 5JD'], area: '161' },
      { city: 'Bristol', postalCodes: ['BS1 4DJ'], area: '117' },
      { city: 'Edinburgh', postalCodes: ['EH1 1YZ', 'EH3 9DR'], area: '131' },
    ],
    industries: ['Digital', 'Hosting', 'Media', 'Consulting', 'Web Services'],
  },
  {
    code: 'AT', dial: '43', tld: 'at', weight: 6, numberFirst: false, legalForm: 'GmbH',
    first: ['Maximilian', 'Sophie', 'David', 'Laura', 'Florian', 'Hannah'],
    last: ['Gruber', 'Huber', 'Bauer', 'Wagner', 'Pichler', 'Steiner'],
    streets: ['Mariahilfer Straße', 'Landstraße', 'Getreidegasse', 'Herrengasse'],
    cities: [
      { city: 'Wien', postalCodes: ['1010', '1060', '1070'], area: '1' },
      { city: 'Graz', postalCodes: ['8010'], area: '316' },
      { city: 'Salzburg', postalCodes: ['5020'], area: '662' },
    ],
    industries: ['Webdesign', 'Software', 'Medien'],
  },
  {
    code: 'CH', dial: '41', tld: 'ch', weight: 5, numberFirst: false, legalForm: 'AG',
    first: ['Noah', 'Mia', 'Luca', 'Lea', 'Leon', 'Nina'],
    last: ['Müller', 'Meier', 'Schmid', 'Keller', 'Weber', 'Brunner'],
    streets: ['Bahnhofstrasse', 'Marktgasse', 'Seestrasse', 'Rue du Rhône'],
    cities: [
      { city: 'Zürich', postalCodes: ['8001', '8004'], area: '44' },
      { city: 'Bern', postalCodes: ['3011'], area: '31' },
      { city: 'Genève', postalCodes: ['1204'], area: '22' },
    ],
    industries: ['Informatik', 'Hosting', 'Treuhand'],
  },
  {
    code: 'ES', dial: '34', tld: 'es', weight: 4, numberFirst: false, legalForm: 'S.L.',
    first: ['Hugo', 'Lucía', 'Martín', 'Sofía', 'Pablo', 'Carmen'],
    last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez'],
    streets: ['Calle Mayor', 'Gran Vía', 'Calle de Alcalá', 'Passeig de Gràcia'],
    cities: [
      { city: 'Madrid', postalCodes: ['28013', '28004'], state: 'Madrid', area: '91' },
      { city: 'Barcelona', postalCodes: ['08007', '08002'], state: 'Barcelona', area: '93' },
      { city: 'Valencia', postalCodes: ['46002'], state: 'Valencia', area: '96' },
    ],
    industries: ['Digital', 'Hosting', 'Medios'],
  },
  {
    code: 'IT', dial: '39', tld: 'it', weight: 4, numberFirst: false, legalForm: 'S.r.l.',
    first: ['Leonardo', 'Giulia', 'Francesco', 'Aurora', 'Alessandro', 'Sofia'],
    last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano'],
    streets: ['Via Roma', 'Corso Italia', 'Via Garibaldi', 'Via Dante'],
    cities: [
      { city: 'Milano', postalCodes: ['20121', '20123'], state: 'MI', area: '02' },
      { city: 'Roma', postalCodes: ['00184', '00186'], state: 'RM', area: '06' },
      { city: 'Torino', postalCodes: ['10121'], state: 'TO', area: '011' },
    ],
    industries: ['Digitale', 'Hosting', 'Informatica'],
  },
  {
    code: 'PL', dial: '48', tld: 'pl', weight: 3, numberFirst: false, legalForm: 'sp. z o.o.',
    first: ['Jakub', 'Zuzanna', 'Kacper', 'Julia', 'Szymon', 'Maja'],
    last: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski'],
    streets: ['ul. Marszałkowska', 'ul. Floriańska', 'ul. Piotrkowska', 'ul. Długa'],
    cities: [
      { city: 'Warszawa', postalCodes: ['00-001', '00-950'], area: '22' },
      { city: 'Kraków', postalCodes: ['31-001'], area: '12' },
      { city: 'Gdańsk', postalCodes: ['80-001'], area: '58' },
    ],
    industries: ['Hosting', 'Software', 'Media'],
  },
  {
    code: 'SE', dial: '46', tld: 'se', weight: 2, numberFirst: false, legalForm: 'AB',
    first: ['William', 'Alice', 'Elias', 'Maja', 'Hugo', 'Ebba'],
    last: ['Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson'],
    streets: ['Drottninggatan', 'Storgatan', 'Kungsgatan'],
    cities: [
      { city: 'Stockholm', postalCodes: ['111 20', '114 35'], area: '8' },
      { city: 'Göteborg', postalCodes: ['411 01'], area: '31' },
    ],
    industries: ['Webb', 'Hosting', 'Media'],
  },
  {
    code: 'DK', dial: '45', tld: 'dk', weight: 2, numberFirst: false, legalForm: 'ApS',
    first: ['Oscar', 'Ida', 'Emil', 'Freja', 'Noah', 'Clara'],
    last: ['Nielsen', 'Jensen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen'],
    streets: ['Strøget', 'Vesterbrogade', 'Nørregade'],
    cities: [
      { city: 'København', postalCodes: ['1050', '1620'], area: '3' },
      { city: 'Aarhus', postalCodes: ['8000'], area: '8' },
    ],
    industries: ['Web', 'Hosting', 'Medier'],
  },
  {
    code: 'US', dial: '1', tld: 'com', weight: 3, numberFirst: true, legalForm: 'LLC',
    first: ['James', 'Olivia', 'Michael', 'Emma', 'Daniel', 'Ava'],
    last: ['Johnson', 'Miller', 'Davis', 'Garcia', 'Anderson', 'Clark'],
    streets: ['Main Street', 'Oak Avenue', 'Maple Drive', 'Broadway'],
    cities: [
      { city: 'New York', postalCodes: ['10001', '10013'], state: 'NY', area: '212' },
      { city: 'San Francisco', postalCodes: ['94103', '94110'], state: 'CA', area: '415' },
      { city: 'Austin', postalCodes: ['78701'], state: 'TX', area: '512' },
    ],
    industries: ['Digital', 'Hosting', 'Media', 'Web Services'],
  },
];

/** Evidence kinds seeded contacts may already hold; all allowed by the DENIC matrix. */
const SEED_EVIDENCE: Array<Pick<SimVerification, 'method' | 'proof' | 'claims'>> = [
  { method: 'ELECTRONIC_DOCUMENT', proof: 'ID_CARD', claims: ['NAME', 'ADDRESS'] },
  { method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['EMAIL'] },
  { method: 'EID_AUTH', proof: 'PASSPORT', claims: ['NAME'] },
  { method: 'DATA', proof: 'ADDRESS_DATABASE', claims: ['ADDRESS'] },
  { method: 'REACHABILITY', proof: 'LOG_RECORD', claims: ['VOICE'] },
];
const COMPANY_EVIDENCE: Pick<SimVerification, 'method' | 'proof' | 'claims'> = {
  method: 'ELECTRONIC_DOCUMENT',
  proof: 'COMPANY_REGISTER',
  claims: ['ORGANIZATION', 'ADDRESS'],
};

const SEED_EPOCH = Date.UTC(2019, 0, 1);
const DAY = 86_400_000;

export const SEED_CUSTOMER = 'sandbox';

/** rtr-0001 ... for the given count. */
export function seedHandle(index: number): string {
  return `rtr-${String(index + 1).padStart(4, '0')}`;
}

/** The seeded contacts of customer `sandbox`, in handle order. */
export function seedContacts(count: number, seed: number): SimContact[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const totalWeight = COUNTRIES.reduce((sum, country) => sum + country.weight, 0);
  const pickCountry = (): Country => {
    let roll = random() * totalWeight;
    for (const country of COUNTRIES) if ((roll -= country.weight) < 0) return country;
    return COUNTRIES[0]!;
  };

  return Array.from({ length: count }, (_, index) => {
    const country = pickCountry();
    const first = pick(country.first);
    const last = pick(country.last);
    const city = pick(country.cities);
    const street = pick(country.streets);
    const houseNumber = String(1 + Math.floor(random() * 180));
    const company = random() < 0.4;
    const organization = company ? `${last} ${pick(country.industries)} ${country.legalForm}` : null;
    const domain = company ? `${slug(organization!.replace(country.legalForm, ''))}.${country.tld}` : `post-${slug(last)}.${country.tld}`;
    const createdAt = SEED_EPOCH + Math.floor(random() * 6 * 365) * DAY + Math.floor(random() * 86_400) * 1000;
    const updated = random() < 0.3 ? createdAt + Math.floor(random() * 300) * DAY : null;
    const contact: SimContact = {
      handle: seedHandle(index),
      customer: SEED_CUSTOMER,
      name: `${first} ${last}`,
      ...(organization ? { organization } : {}),
      addressLine: [country.numberFirst ? `${houseNumber} ${street}` : `${street} ${houseNumber}`],
      postalCode: pick(city.postalCodes),
      city: city.city,
      ...(city.state ? { state: city.state } : {}),
      country: country.code,
      email: `${slug(first)}.${slug(last)}@${domain}`,
      voice: `+${country.dial}.${city.area}${digits(9 - city.area.length)}`,
      ...(company && random() < 0.3 ? { fax: `+${country.dial}.${city.area}${digits(9 - city.area.length)}` } : {}),
      disclosedFields: [],
      registries: [],
      properties: {},
      createdDate: new Date(createdAt).toISOString().replace('.000Z', 'Z'),
      ...(updated ? { updatedDate: new Date(updated).toISOString().replace('.000Z', 'Z') } : {}),
    };
    if (random() < 0.15) {
      const evidence = company && random() < 0.5 ? COMPANY_EVIDENCE : pick(SEED_EVIDENCE);
      const verifiedAt = new Date(createdAt + Math.floor(random() * 200) * DAY).toISOString().replace('.000Z', 'Z');
      contact.verifications = [{ ...evidence, claims: [...evidence.claims], verificationDate: verifiedAt, externalId: `kyc-${digits(6)}`, createdDate: verifiedAt }];
    }
    return contact;
  });
}

/** Claims DENIC asks for in the seeded requests, in turn; ORGANIZATION only of companies. */
const SEED_CLAIMS: string[][] = [['NAME', 'ADDRESS'], ['EMAIL'], ['NAME', 'ADDRESS', 'EMAIL'], ['VOICE']];
const DEADLINE_DAYS = [3, 10, 20];

/**
 * DENIC requests for the first German contacts: de-delegation 3, 10, 20 (then every 10 more) days after `now`,
 * deletion 30 days later, for a .de domain of theirs. Every third one carries its data in the message only.
 */
export function seedDenicRequests(contacts: readonly SimContact[], count: number, now: Date): DenicRequestOptions[] {
  const holders = contacts.filter((contact) => contact.country === 'DE').slice(0, count);
  const hour = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const at = (days: number) => new Date(hour + days * DAY).toISOString().replace('.000Z', 'Z');
  return holders.map((contact, index) => {
    const days = DEADLINE_DAYS[index] ?? 20 + 10 * (index - 2);
    const domain = contact.email.endsWith('.de') ? contact.email.split('@')[1]! : `${contact.handle}.de`;
    const claims = contact.organization && index % SEED_CLAIMS.length === 2 ? ['ORGANIZATION', 'ADDRESS'] : SEED_CLAIMS[index % SEED_CLAIMS.length]!;
    return {
      handle: contact.handle,
      claims,
      deDelegationDomain: domain,
      deDelegationDate: at(days),
      deletionDomain: domain,
      deletionDate: at(days + 30),
      shape: index % 3 === 2 ? 'message' : 'payload',
    };
  });
}

/** Lower-case ASCII for email addresses: "Müller" -> "mueller", "de Vries" -> "devries". */
function slug(value: string): string {
  return value
    .replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss').replace(/ø/g, 'oe').replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
