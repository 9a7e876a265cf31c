import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestGateway } from '../helpers/gateway.js';
import { startTestGateway } from '../helpers/gateway.js';
import type { AnswerStyle, DocContact, DomainNameApiDocFake } from './domain-name-api-doc-fake.js';
import { DNA_DOC_CREDENTIALS, startDomainNameApiDocFake } from './domain-name-api-doc-fake.js';

/**
 * The gateway against a ContactApi.svc built only from the public documents (domain-name-api-doc-fake.ts), in live
 * mode, through GraphQL: strict namespaces both ways, every published error code, faults, HTML and cut-short answers.
 */
const KEY = 'fidelity-dna-key-0001';
const auth = { authorization: `Bearer ${KEY}` };

let fake: DomainNameApiDocFake;
let gateway: TestGateway | null = null;

async function startGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  gateway = await startTestGateway({
    env: {
      GATEWAY_API_KEYS: `${KEY}:*`,
      DOMAIN_NAME_API_USERNAME: DNA_DOC_CREDENTIALS.username,
      DOMAIN_NAME_API_PASSWORD: DNA_DOC_CREDENTIALS.password,
      DOMAIN_NAME_API_BASE_URL: fake.baseUrl,
      EMAIL_WATCH_INTERVAL_MS: '3600000',
      ...env,
    },
  });
  return gateway;
}

const ask = <T = any>(query: string, variables?: Record<string, unknown>) => gateway!.graphql<T>(query, variables, auth);

const CONTACT = `query C($h: String!) {
  contact(provider: DOMAIN_NAME_API, handle: $h) {
    handle email name city country
    emailVerifications { email handle status failureReason providerStatus expiresAt lastNotifiedAt }
  }
}`;
const BY_EMAIL = `query E($e: String!) {
  emailVerifications(filter: { providers: [DOMAIN_NAME_API], email: $e }, first: 5) {
    totalCount
    edges { node { email handle status expiresAt } }
  }
}`;

const ANN: DocContact = {
  ExternalId: 'DNA-111',
  ContactEmail: 'example@customer.com',
  VerificationStatus: 'NotValidated',
  ExpirationDate: '2026-04-05T10:00:00',
  LastNotificationDate: '2026-02-05T09:30:00',
  FirstName: 'Ann',
  LastName: 'Example',
  City: 'Istanbul',
  Country: 'tr',
};

beforeAll(async () => {
  fake = await startDomainNameApiDocFake();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.contacts = [{ ...ANN }];
  fake.requests.length = 0;
  fake.style = 'wcf';
  fake.dataMembersIn = 'data';
  fake.error = null;
  fake.errorsFor.clear();
  fake.raw = null;
  fake.prolog = '';
  fake.articleFieldsOnly = false;
});

afterEach(async () => {
  await gateway?.stop();
  gateway = null;
});

describe('GetDetails, read strictly by namespace both ways', () => {
  const expected = {
    handle: 'DNA-111',
    email: 'example@customer.com',
    name: 'Ann Example',
    city: 'Istanbul',
    country: 'TR',
    emailVerifications: [
      {
        email: 'example@customer.com',
        handle: 'DNA-111',
        status: 'NOT_VERIFIED',
        failureReason: null,
        providerStatus: 'NotValidated',
        // The article's example times are Istanbul wall time (UTC+3 all year).
        expiresAt: '2026-04-05T07:00:00.000Z',
        lastNotifiedAt: '2026-02-05T06:30:00.000Z',
      },
    ],
  };

  it('sends the External ID alone, in the data namespace, credentials in the base one, with the documented SOAPAction', async () => {
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual(expected);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toEqual({
      operation: 'GetDetails',
      soapAction: '"http://tempuri.org/IContactApi/GetDetails"',
      contentType: 'text/xml; charset=utf-8',
      bound: { Password: DNA_DOC_CREDENTIALS.password, UserName: DNA_DOC_CREDENTIALS.username, ExternalId: 'DNA-111' },
      ignored: [],
    });
  });

  for (const style of ['default-namespaces', 'other-prefixes-reordered'] as AnswerStyle[]) {
    it(`reads the same answer written with ${style} (nil and unknown members too)`, async () => {
      fake.style = style;
      fake.contacts = [{ ...ANN, LastNotificationDate: null }];
      await startGateway();
      const reply = await ask(CONTACT, { h: 'DNA-111' });
      expect(reply.errors).toBeUndefined();
      expect(reply.data.contact).toEqual({ ...expected, emailVerifications: [{ ...expected.emailVerifications[0], lastNotifiedAt: null }] });
    });
  }

  it('reads an answer whose envelope follows an XML declaration and a comment', async () => {
    fake.prolog = '<?xml version="1.0" encoding="utf-8"?>\n<!-- served by ContactApi.svc -->\n';
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual(expected);
  });

  it('reads character references as the characters they stand for (WCF writes a carriage return as &#xD;)', async () => {
    fake.raw = {
      status: 200,
      body:
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetDetailsResponse xmlns="http://tempuri.org/"><GetDetailsResult xmlns:a="http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts" xmlns:b="http://schemas.datacontract.org/2004/07/Olipso.ExternalApi.Core.DataContracts.ContactApiContracts">' +
        '<a:ErrorCode>0</a:ErrorCode><a:OperationMessage></a:OperationMessage><a:OperationResult>SUCCESS</a:OperationResult>' +
        '<b:City>&#x130;stanbul&#xD;</b:City><b:ContactEmail>example&#64;customer.com</b:ContactEmail><b:ExternalId>DNA-111</b:ExternalId><b:FirstName>Ay&#351;e</b:FirstName><b:LastName>&amp;#351;</b:LastName>' +
        '<b:VerificationStatus>Validated</b:VerificationStatus></GetDetailsResult></GetDetailsResponse></s:Body></s:Envelope>',
    };
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toMatchObject({ email: 'example@customer.com', name: 'Ayşe &#351;', city: 'İstanbul', emailVerifications: [{ email: 'example@customer.com', status: 'VERIFIED' }] });
  });

  it("answers a handle whose GetDetails result carries only the article's four fields with the contact, not null", async () => {
    fake.articleFieldsOnly = true;
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contact).toEqual({
      handle: 'DNA-111',
      email: 'example@customer.com',
      name: null,
      city: null,
      country: null,
      emailVerifications: [expected.emailVerifications[0]],
    });
  });

  it('looks a contact up by email alone, never sending an empty ExternalId', async () => {
    await startGateway();
    const reply = await ask(BY_EMAIL, { e: 'example@customer.com' });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.emailVerifications.edges[0].node).toEqual({ email: 'example@customer.com', handle: 'DNA-111', status: 'NOT_VERIFIED', expiresAt: '2026-04-05T07:00:00.000Z' });
    expect(fake.requests[0]!.bound).toEqual({ Password: DNA_DOC_CREDENTIALS.password, UserName: DNA_DOC_CREDENTIALS.username, ContactEmail: 'example@customer.com' });
  });

  it('reads timestamps in DOMAIN_NAME_API_TIME_ZONE when it is set (UTC)', async () => {
    await startGateway({ DOMAIN_NAME_API_TIME_ZONE: 'UTC' });
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.data.contact.emailVerifications[0]).toMatchObject({ expiresAt: '2026-04-05T10:00:00.000Z', lastNotifiedAt: '2026-02-05T09:30:00.000Z' });
  });

  it('maps the four statuses of the article', async () => {
    fake.contacts = [
      { ...ANN, ExternalId: 'DNA-1', VerificationStatus: 'NotValidated' },
      { ...ANN, ExternalId: 'DNA-2', VerificationStatus: 'Pending' },
      { ...ANN, ExternalId: 'DNA-3', VerificationStatus: 'Validated' },
      { ...ANN, ExternalId: 'DNA-4', VerificationStatus: 'Expired' },
    ];
    await startGateway();
    const reply = await ask('{ contacts(provider: DOMAIN_NAME_API, handles: ["DNA-1", "DNA-2", "DNA-3", "DNA-4"]) { emailVerifications { status failureReason } } }');
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts.map((contact: any) => contact.emailVerifications[0])).toEqual([
      { status: 'NOT_VERIFIED', failureReason: null },
      { status: 'PENDING', failureReason: null },
      { status: 'VERIFIED', failureReason: null },
      { status: 'FAILED', failureReason: 'EXPIRED' },
    ]);
  });

  it('maps the statuses whatever their case or surrounding space (an enum written as text by another serializer)', async () => {
    fake.contacts = [
      { ...ANN, ExternalId: 'DNA-5', VerificationStatus: 'NOTVALIDATED' },
      { ...ANN, ExternalId: 'DNA-6', VerificationStatus: ' pending ' },
      { ...ANN, ExternalId: 'DNA-7', VerificationStatus: 'validated' },
    ];
    await startGateway();
    const reply = await ask('{ contacts(provider: DOMAIN_NAME_API, handles: ["DNA-5", "DNA-6", "DNA-7"]) { emailVerifications { status } } }');
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts.map((contact: any) => contact.emailVerifications[0].status)).toEqual(['NOT_VERIFIED', 'PENDING', 'VERIFIED']);
  });

  it('answers a contact whose data members come in the base namespace with a PROVIDER_ERROR naming the setting, never null', async () => {
    fake.dataMembersIn = 'base';
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.data?.contact ?? null).toBeNull();
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API' });
    expect(reply.errors?.[0]?.message).toMatch(/DOMAIN_NAME_API_DATA_NAMESPACE/);
  });

  it('answers an unknown status with a PROVIDER_ERROR on the verification rows only: the contact itself is served, never null', async () => {
    fake.contacts = [{ ...ANN, VerificationStatus: 'Suspended' }];
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.data.contact).toMatchObject({ handle: 'DNA-111', email: ANN.ContactEmail, emailVerifications: null });
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors?.[0]).toMatchObject({ path: ['contact', 'emailVerifications'], extensions: { code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API' } });
    expect(reply.errors?.[0]?.message).toMatch(/Suspended/);
    const byEmail = await ask(BY_EMAIL, { e: ANN.ContactEmail });
    expect(byEmail.data?.emailVerifications ?? null).toBeNull();
    expect(byEmail.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API' });
  });
});

describe('the published error codes', () => {
  it('reads 410 "Contact not found." as no such contact: null, and an empty list', async () => {
    await startGateway();
    const contact = await ask(CONTACT, { h: 'DNA-999' });
    expect(contact.errors).toBeUndefined();
    expect(contact.data.contact).toBeNull();
    const list = await ask(BY_EMAIL, { e: 'nobody@customer.com' });
    expect(list.errors).toBeUndefined();
    expect(list.data.emailVerifications.totalCount).toBe(0);
  });

  for (const [code, message, extensions, text] of [
    ['2200', 'Authentication error', { code: 'PROVIDER_ERROR', retryable: false }, /credentials/],
    ['300', 'Reseller not found!', { code: 'PROVIDER_ERROR', retryable: false }, /DOMAIN_NAME_API_USERNAME/],
    ['330', 'Required parameter(s) not set (ContactEmail, ExternalId).', { code: 'PROVIDER_ERROR', retryable: false }, /DOMAIN_NAME_API_DATA_NAMESPACE/],
    ['999', 'Invalid API credentials', { code: 'PROVIDER_ERROR', retryable: false }, /credentials/],
    ['301', 'Your current IP address is not authorized to access', { code: 'PROVIDER_ERROR', retryable: false }, /whitelist/i],
    ['360', 'API quota exceeded!', { code: 'RATE_LIMITED', retryable: true }, /later/],
    ['361', 'Throttled error!', { code: 'RATE_LIMITED', retryable: true }, /later/],
    ['401', 'Contact info can not sync.', { code: 'PROVIDER_ERROR' }, /sync/],
    ['404', 'DOMAIN CONTACT CANNOT UPDATE. PERMISSION FROM THE REGISTRY.', { code: 'PROVIDER_ERROR', retryable: false }, /registry/i],
  ] as const) {
    it(`answers ${code} "${message}" with ${extensions.code}, the provider's code passed through, in one call`, async () => {
      fake.error = { code, message };
      await startGateway();
      const reply = await ask(CONTACT, { h: 'DNA-111' });
      expect(reply.data?.contact ?? null).toBeNull();
      expect(reply.errors?.[0]?.extensions).toMatchObject({ ...extensions, provider: 'DOMAIN_NAME_API', providerCode: code });
      expect(reply.errors?.[0]?.message).toMatch(text);
      expect(fake.requests).toHaveLength(1);
    });
  }

  it('refuses wrong credentials (2200) without a retry', async () => {
    await startGateway({ DOMAIN_NAME_API_PASSWORD: 'not-the-password' });
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', providerCode: '2200', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });
});

describe('a batch of contacts with one the provider cannot serve', () => {
  const BATCH = `query B($h: [String!]!) { contacts(provider: DOMAIN_NAME_API, handles: $h) { handle email } }`;
  const BEN: DocContact = { ...ANN, ExternalId: 'DNA-222', ContactEmail: 'ben@customer.com', FirstName: 'Ben' };

  it('serves the others: only the contact whose lookup was refused (401 "Contact info can not sync.") is null, with its error', async () => {
    fake.contacts = [{ ...ANN }, { ...BEN }, { ...ANN, ExternalId: 'DNA-333', ContactEmail: 'cem@customer.com' }];
    fake.errorsFor.set('DNA-222', { code: '401', message: 'Contact info can not sync.' });
    await startGateway();
    const reply = await ask(BATCH, { h: ['DNA-111', 'DNA-222', 'DNA-333', 'DNA-999'] });
    expect(reply.data.contacts).toEqual([{ handle: 'DNA-111', email: ANN.ContactEmail }, null, { handle: 'DNA-333', email: 'cem@customer.com' }, null]);
    expect(reply.errors).toHaveLength(1);
    expect(reply.errors?.[0]).toMatchObject({ path: ['contacts', 1], extensions: { code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API', providerCode: '401' } });
    expect(fake.requests).toHaveLength(4);

    // The refusal is not cached: asked again, only that contact is read again, and served once the provider can.
    fake.errorsFor.clear();
    fake.requests.length = 0;
    const again = await ask(BATCH, { h: ['DNA-111', 'DNA-222'] });
    expect(again.errors).toBeUndefined();
    expect(again.data.contacts).toEqual([{ handle: 'DNA-111', email: ANN.ContactEmail }, { handle: 'DNA-222', email: 'ben@customer.com' }]);
    expect(fake.requests.map((request) => request.bound.ExternalId)).toEqual(['DNA-222']);
  });

  it('asks for each External ID as the caller wrote it, as a single lookup does: one in lower case is found, not null', async () => {
    fake.contacts = [{ ...ANN, ExternalId: 'dna-low-1' }, { ...BEN, ExternalId: 'Dna-Mixed-2' }];
    await startGateway();
    const reply = await ask(BATCH, { h: ['dna-low-1', 'Dna-Mixed-2'] });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.contacts).toEqual([{ handle: 'dna-low-1', email: ANN.ContactEmail }, { handle: 'Dna-Mixed-2', email: 'ben@customer.com' }]);
    expect(fake.requests.map((request) => request.bound.ExternalId).sort()).toEqual(['Dna-Mixed-2', 'dna-low-1']);
  });

  it('fails every contact of the batch when the gateway itself is refused (2200), and stops asking after the first refusals', async () => {
    fake.contacts = Array.from({ length: 30 }, (_, index) => ({ ...ANN, ExternalId: `DNA-${500 + index}` }));
    await startGateway({ DOMAIN_NAME_API_PASSWORD: 'not-the-password' });
    const handles = fake.contacts.map((contact) => contact.ExternalId);
    const reply = await ask(BATCH, { h: handles });
    expect(reply.data.contacts).toEqual(handles.map(() => null));
    expect(new Set(reply.errors?.map((error) => error.extensions?.providerCode))).toEqual(new Set(['2200']));
    // No further lookup starts once one was refused: at most the ones already in flight.
    expect(fake.requests.length).toBeLessThan(handles.length);
  });
});

describe('answers that are not a result', () => {
  const FAULT =
    '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring xml:lang="en-US">Object reference not set to an instance of an object.</faultstring></s:Fault></s:Body></s:Envelope>';

  for (const status of [500, 503]) {
    it(`reads a SOAP fault under HTTP ${status} as a PROVIDER_ERROR and never sends the call again`, async () => {
      fake.raw = { status, body: FAULT };
      await startGateway();
      const reply = await ask(CONTACT, { h: 'DNA-111' });
      expect(reply.data?.contact ?? null).toBeNull();
      expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API', retryable: false, providerCode: 's:Server' });
      expect(fake.requests).toHaveLength(1);
    });
  }

  it("reads a fault written under a default envelope namespace with the fault's own code and text", async () => {
    fake.raw = {
      status: 500,
      body: '<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Body><Fault><faultcode>Client</faultcode><faultstring>Request is malformed.</faultstring></Fault></Body></Envelope>',
    };
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API', providerCode: 'Client' });
    expect(reply.errors?.[0]?.message).toMatch(/Request is malformed/);
    expect(fake.requests).toHaveLength(1);
  });

  it('reads "Throttled error!" (361) under HTTP 429 as RATE_LIMITED and does not ask again at once', async () => {
    fake.raw = {
      status: 429,
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetDetailsResponse xmlns="http://tempuri.org/"><GetDetailsResult xmlns:a="http://schemas.datacontract.org/2004/07/Olipso.Core.DataContracts"><a:ErrorCode>361</a:ErrorCode><a:OperationMessage>Throttled error!</a:OperationMessage><a:OperationResult>ERROR</a:OperationResult></GetDetailsResult></GetDetailsResponse></s:Body></s:Envelope>',
    };
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', provider: 'DOMAIN_NAME_API', retryable: true, providerCode: '361' });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads a WAF challenge page (HTML under 503) as unavailable and retryable, never as no such contact', async () => {
    fake.raw = { status: 503, body: '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>', contentType: 'text/html' };
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.data?.contact ?? null).toBeNull();
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'DOMAIN_NAME_API', retryable: true });
  });

  it('reads an answer cut short as a PROVIDER_ERROR, never as no such contact', async () => {
    fake.raw = { status: 200, body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><GetDetailsResponse xmlns="http://tempuri.org/"><GetDetailsRes' };
    await startGateway();
    const reply = await ask(CONTACT, { h: 'DNA-111' });
    expect(reply.data?.contact ?? null).toBeNull();
    expect(reply.errors?.[0]?.extensions).toMatchObject({ code: 'PROVIDER_ERROR', provider: 'DOMAIN_NAME_API' });
  });
});

describe('ResendContactVerificationNotice', () => {
  const RESEND = `mutation R($input: ResendEmailVerificationInput!) {
    resendEmailVerification(input: $input) {
      __typename
      ... on ResendEmailVerificationSuccess { emailVerification { email handle status } }
      ... on NotFoundError { message }
      ... on ProviderError { message code }
    }
  }`;

  it('sends the External ID alone, with its SOAPAction, and returns the contact now pending', async () => {
    await startGateway();
    const reply = await ask(RESEND, { input: { provider: 'DOMAIN_NAME_API', handle: 'DNA-111' } });
    expect(reply.errors).toBeUndefined();
    expect(reply.data.resendEmailVerification).toEqual({ __typename: 'ResendEmailVerificationSuccess', emailVerification: { email: 'example@customer.com', handle: 'DNA-111', status: 'PENDING' } });
    const resend = fake.requests.find((request) => request.operation === 'ResendContactVerificationNotice')!;
    expect(resend.soapAction).toBe('"http://tempuri.org/IContactApi/ResendContactVerificationNotice"');
    expect(resend.bound).toEqual({ Password: DNA_DOC_CREDENTIALS.password, UserName: DNA_DOC_CREDENTIALS.username, ExternalId: 'DNA-111' });
  });

  it('answers an unknown contact (410) with NotFoundError', async () => {
    await startGateway();
    const reply = await ask(RESEND, { input: { provider: 'DOMAIN_NAME_API', email: 'nobody@customer.com' } });
    expect(reply.data.resendEmailVerification.__typename).toBe('NotFoundError');
  });
});
