import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './enums.js';
import './errors.js';
import './provider-status.js';
import './verification-matrix.js';
import './verification-request.js';
import './contact.js';
import './email-verification.js';
import './registry-check.js';
import './verification-event.js';

/** The served schema, sorted so the printed SDL is stable. */
export const schema = lexicographicSortSchema(builder.toSchema());
