/**
 * Domain Name API's error codes, in ONE place. Source: the provider's published table, github domainreseller/php-dna
 * README "Return and Error Codes with Descriptions" (providers/domain-name-api.md, revision 2), and the texts its
 * PHP library matches ("Invalid API credentials", "is not authorized to access" for a caller IP that is not
 * whitelisted). An ERROR result carries the code in `ErrorCode` and the text in `OperationMessage`; the gateway maps
 * by code first and passes both through in the ProviderError.
 */

/** What an ERROR result means for the gateway. */
export type DnaErrorMeaning =
  /** 410 "Contact not found.": the only answer that means "no such contact". */
  | 'NOT_FOUND'
  /** 2200 "Authentication error", or the text "Invalid API credentials": check the credentials. */
  | 'AUTH'
  /** 300 "Reseller not found!": the service knows no reseller by the username sent. */
  | 'UNKNOWN_RESELLER'
  /**
   * 330 "Required parameter(s) not set ({0})." answered to a lookup that sent its key: the service read no key, the
   * sign of a request member in a namespace its contract does not use (WCF ignores it).
   */
  | 'KEY_NOT_READ'
  /** 301 "Your current IP address is not authorized to access...": whitelist the gateway's IP. */
  | 'IP_NOT_AUTHORIZED'
  /** 360 "API quota exceeded!", 361 "Throttled error!": try again later. */
  | 'RATE_LIMITED'
  /** 401 "Contact info can not sync.": the provider could not sync the contact with the registry (not credentials). */
  | 'CONTACT_NOT_SYNCED'
  /** 404 "DOMAIN CONTACT CANNOT UPDATE. PERMISSION FROM THE REGISTRY." (not "not found"). */
  | 'REGISTRY_PERMISSION'
  /** Any other code: a refusal of this request, passed through as it is. */
  | 'OTHER';

/** The published codes the gateway treats specially, with the provider's own text. */
export const DNA_ERROR_CODES: Record<string, { meaning: DnaErrorMeaning; text: string }> = {
  '410': { meaning: 'NOT_FOUND', text: 'Contact not found.' },
  '2200': { meaning: 'AUTH', text: 'Authentication error' },
  '300': { meaning: 'UNKNOWN_RESELLER', text: 'Reseller not found!' },
  '330': { meaning: 'KEY_NOT_READ', text: 'Required parameter(s) not set ({0}).' },
  '301': { meaning: 'IP_NOT_AUTHORIZED', text: 'Your current IP address is not authorized to access.' },
  '360': { meaning: 'RATE_LIMITED', text: 'API quota exceeded!' },
  '361': { meaning: 'RATE_LIMITED', text: 'Throttled error!' },
  '401': { meaning: 'CONTACT_NOT_SYNCED', text: 'Contact info can not sync.' },
  '404': { meaning: 'REGISTRY_PERMISSION', text: 'DOMAIN CONTACT CANNOT UPDATE. PERMISSION FROM THE REGISTRY.' },
};

/** The published table gives 360 a second text, "Invalid API request for field ({0})": a bad request, not a quota. */
const INVALID_FIELD_TEXT = /invalid api request for field/i;
/** Texts the provider's own library treats as refused credentials or a refused IP, whatever the code. */
const CREDENTIALS_TEXT = /invalid api credentials|invalid username and password/i;
const IP_TEXT = /is not authorized to access/i;

/** The meaning of an ERROR result: by code first, then by the texts the provider's library knows. */
export function dnaErrorMeaning(code: string | null, message: string): DnaErrorMeaning {
  const known = code === null ? undefined : DNA_ERROR_CODES[code.trim()];
  if (known?.meaning === 'RATE_LIMITED' && INVALID_FIELD_TEXT.test(message)) return 'OTHER';
  if (known) return known.meaning;
  if (CREDENTIALS_TEXT.test(message)) return 'AUTH';
  if (IP_TEXT.test(message)) return 'IP_NOT_AUTHORIZED';
  return 'OTHER';
}
