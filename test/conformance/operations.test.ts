import { readFileSync, readdirSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

const folder = new URL('../../examples/operations/', import.meta.url);
const files = readdirSync(folder).filter((name) => name.endsWith('.graphql'));

describe('the example operations a frontend uses', () => {
  it('exist', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files)('%s validates against the served schema', (name) => {
    const document = parse(readFileSync(new URL(name, folder), 'utf8'));
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });
});
