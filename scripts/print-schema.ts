import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { schema } from '../src/schema/index.js';

/** `npm run schema`: writes the served schema (from the Pothos code) to schema.graphql at the project root. */
const header = '# Generated from the Pothos schema by `npm run schema`. Do not edit by hand.\n\n';
writeFileSync(new URL('../schema.graphql', import.meta.url), `${header}${printSchema(schema)}\n`);
process.stdout.write('wrote schema.graphql\n');
