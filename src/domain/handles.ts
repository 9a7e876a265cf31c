/** Realtime Register customer and handle path segments (providers/realtime-register.md). */
export const RTR_HANDLE = /^[a-zA-Z0-9\-_@.]{3,40}$/;
/** Voice and fax numbers: +CC.NUMBER, e.g. +31.384530759. */
export const VOICE_NUMBER = /^\+\d{1,3}\.\d{1,14}$/;
/** A pragmatic email check: one @, no spaces, a dot in the domain. */
export const EMAIL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isRtrHandle = (value: string) => RTR_HANDLE.test(value);
export const isVoiceNumber = (value: string) => VOICE_NUMBER.test(value);
export const isEmailAddress = (value: string) => EMAIL_ADDRESS.test(value) && value.length <= 254;
export const isUuid = (value: string) => UUID.test(value);
