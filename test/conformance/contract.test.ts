import { readFileSync } from 'node:fs';
import { buildSchema, findBreakingChanges, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isUnionType, printSchema } from 'graphql';
import type { GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.js';

const contract = buildSchema(readFileSync(new URL('../../contract/schema.graphql', import.meta.url), 'utf8'));
const committed = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');

/** Every field and argument of a type as "name(arg: Type): Type" lines, for exact comparison. */
function signature(type: GraphQLNamedType): string[] {
  if (isObjectType(type) || isInterfaceType(type)) {
    return Object.values(type.getFields()).map(
      (field) => `${field.name}(${field.args.map((arg) => `${arg.name}: ${String(arg.type)}`).join(', ')}): ${String(field.type)}`,
    );
  }
  if (isInputObjectType(type)) return Object.values(type.getFields()).map((field) => `${field.name}: ${String(field.type)}`);
  if (isEnumType(type)) return type.getValues().map((value) => value.name);
  if (isUnionType(type)) return type.getTypes().map((member) => member.name);
  return [];
}

describe('the served schema', () => {
  it('has no breaking change against the public contract', () => {
    expect(findBreakingChanges(contract, schema).map((change) => change.description)).toEqual([]);
  });

  it('keeps every contract type, field, argument and nullability exactly (additions only)', () => {
    for (const type of Object.values(contract.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const served = schema.getType(type.name);
      expect(served, type.name).toBeDefined();
      const servedLines = new Set(signature(served!));
      for (const line of signature(type)) {
        // Extra optional arguments are allowed; compare fields by their contract arguments only.
        const fieldName = line.split('(')[0]!;
        const match = [...servedLines].find((candidate) => candidate === line || (candidate.startsWith(`${fieldName}(`) && sameFieldIgnoringExtraArgs(line, candidate)));
        expect(match, `${type.name}.${line}`).toBeDefined();
      }
    }
  });

  it('is what schema.graphql at the root says (run `npm run schema` after changing the Pothos code)', () => {
    expect(committed.slice(committed.indexOf('\n\n') + 2).trim()).toBe(printSchema(schema).trim());
  });

  it('describes every type a client browses (edges, connections and inputs excepted)', () => {
    const undocumented: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Boolean', 'ID', 'Float'].includes(type.name)) continue;
      if (!type.description && !type.name.endsWith('Edge') && !type.name.endsWith('Connection') && !type.name.endsWith('Input') && !type.name.endsWith('Filter')) undocumented.push(type.name);
    }
    expect(undocumented).toEqual([]);
  });
});

function sameFieldIgnoringExtraArgs(contractLine: string, servedLine: string): boolean {
  const returns = (line: string) => line.slice(line.lastIndexOf(': ') + 2);
  const args = (line: string) => line.slice(line.indexOf('(') + 1, line.lastIndexOf(')')).split(', ').filter(Boolean);
  if (returns(contractLine) !== returns(servedLine)) return false;
  const servedArgs = new Set(args(servedLine));
  return args(contractLine).every((arg) => servedArgs.has(arg));
}
