import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { maskMessage } from '../../src/server/mask-message.js';
import { maskErrors } from '../../src/server/use-id-number-masking.js';

const values = new Set(['49912319999', 'Ann Lee', 'ann@example.net', 'ID4991', '1980-01-08']);

describe('maskMessage', () => {
  it('masks values graphql-js prints bare or in quotes, wherever they stand', () => {
    expect(maskMessage('String cannot represent a non string value: 49912319999', values)).toBe('String cannot represent a non string value: [redacted]');
    expect(maskMessage('Variable "$i" got invalid value { idNumber: 49912319999, fullName: "Ann Lee" }; Field "x" is not defined.', values)).toBe(
      'Variable "$i" got invalid value { idNumber: [redacted], fullName: "[redacted]" }; Field "x" is not defined.',
    );
    expect(maskMessage('Expected value of type "Provider", found ID4991.', values)).toBe('Expected value of type "Provider", found [redacted].');
    expect(maskMessage('Expected value of type "String!", found ["ann@example.net", 1980-01-08]', values)).toBe('Expected value of type "String!", found ["[redacted]", [redacted]]');
  });

  it('leaves the words of the message alone, and a value only as a whole token', () => {
    expect(maskMessage('Cannot query field "contacs" on type "Query". Did you mean "contacts"?', values)).toBe('Cannot query field "contacs" on type "Query". Did you mean "contacts"?');
    // 4991 is not a value; 49912319999 is, but not inside a longer token.
    expect(maskMessage('found 4991 and 499123199990', values)).toBe('found 4991 and 499123199990');
  });

  it('reads an escaped quote inside a quoted value', () => {
    expect(maskMessage('found "say \\"hi\\" now"', new Set(['say \\"hi\\" now']))).toBe('found "[redacted]"');
  });

  it('costs one pass per message, not one per value: 100 errors against 20,000 values', () => {
    const many = new Set(Array.from({ length: 20_000 }, (_, index) => `value-${index}`));
    const message = `Variable "$v" got invalid value [${Array.from({ length: 400 }, (_, index) => `"value-${index * 50}"`).join(', ')}]`;
    let lookups = 0;
    const counting = { has: (value: string) => (lookups++, many.has(value)) } as ReadonlySet<string>;
    const masked = maskMessage(message, counting);
    expect(masked).not.toMatch(/value-\d/);
    // One lookup per token (a quoted one may be tried for its inside too): far below 400 x 20,000.
    expect(lookups).toBeLessThan(3 * 400 + 20);
    const errors = Array.from({ length: 100 }, () => new GraphQLError(message));
    expect(maskErrors(errors, [...many]).every((error) => !/value-\d/.test(error.message))).toBe(true);
  });
});
