import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

/**
 * The README's "Configuration" table is where a user looks up a variable; src/config is what the gateway reads. A
 * variable in one and not the other is either a setting nobody can find or a documented one that does nothing.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const ENV_NAME = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/;
/** The table writes `REALTIME_REGISTER_API_KEY`, `_CUSTOMER`, ...: a leading underscore continues the row's prefix. */
const PROVIDER_PREFIXES = ['REALTIME_REGISTER', 'OPENPROVIDER', 'DOMAIN_NAME_API', 'VERIFF'];

/** Each provider configured (so that its own readers run too), a key (live mode needs one) and an OTLP endpoint. */
const LIVE_ENV: Record<string, string> = {
  GATEWAY_API_KEYS: 'readme-key-0001:*',
  REALTIME_REGISTER_API_KEY: 'readme-rtr-key',
  REALTIME_REGISTER_CUSTOMER: 'readme',
  OPENPROVIDER_USERNAME: 'readme',
  OPENPROVIDER_PASSWORD: 'readme-op-password',
  DOMAIN_NAME_API_USERNAME: 'readme',
  DOMAIN_NAME_API_PASSWORD: 'readme-dna-password',
  VERIFF_API_KEY: 'readme-veriff-key',
  VERIFF_SHARED_SECRET: 'readme-veriff-secret',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
};

/** Every variable loadConfig reads. */
function variablesTheGatewayReads(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy(LIVE_ENV, {
    get(target, name) {
      if (typeof name === 'string') read.add(name);
      return typeof name === 'string' ? target[name] : undefined;
    },
  });
  loadConfig(env);
  return read;
}

/** The rows of the README's Configuration table: the variables of the first cell, the backticked defaults of the second. */
function configurationTable(): { names: string[]; defaults: string[] }[] {
  const section = /\n## Configuration\n([\s\S]*?)\n## /.exec(README)?.[1] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const [variables = '', defaults = ''] = row.split(' | ').map((cell) => cell.replace(/^\| /, ''));
      const tokens = [...variables.matchAll(/`([A-Z_][A-Z0-9_]*)`/g)].map((match) => match[1]!);
      const prefix = PROVIDER_PREFIXES.find((candidate) => tokens[0]?.startsWith(`${candidate}_`));
      return {
        names: tokens.map((token) => (token.startsWith('_') && prefix ? prefix + token : token)),
        defaults: [...defaults.matchAll(/`([^`]+)`/g)].map((match) => match[1]!),
      };
    });
}

function configurationTableVariables(): Set<string> {
  return new Set(configurationTable().flatMap((row) => row.names));
}

/** Every backticked name anywhere in the README, shorthand rows expanded. */
function readmeVariables(): Set<string> {
  const names = configurationTableVariables();
  for (const match of README.matchAll(/`([A-Z][A-Z0-9_]+)(?:=[^`]*)?`/g)) if (ENV_NAME.test(match[1]!)) names.add(match[1]!);
  return names;
}

describe("the README's configuration and src/config", () => {
  it('documents every variable the gateway reads', () => {
    const documented = readmeVariables();
    const undocumented = [...variablesTheGatewayReads()].filter((name) => !documented.has(name)).sort();
    expect(undocumented).toEqual([]);
  });

  it('lists every variable the gateway reads in its Configuration table, where an operator looks for it', () => {
    // A variable explained only in a later section (the JWT, query-limit and rate-limit ones were) is one nobody finds.
    const table = configurationTableVariables();
    const missing = [...variablesTheGatewayReads()].filter((name) => !table.has(name)).sort();
    expect(missing).toEqual([]);
  });

  it('names in its Configuration table only variables the gateway reads', () => {
    const read = variablesTheGatewayReads();
    const table = configurationTableVariables();
    expect(table.size).toBeGreaterThan(40);
    expect([...table].filter((name) => !read.has(name)).sort()).toEqual([]);
  });

  it('repeats in its prose the defaults the gateway uses (`GRAPHQL_MAX_DEPTH` 12, `SOCKETS_PER_KEY` (100))', () => {
    // The Security and Events sections restate limits beside what they do; a default changed in src/config and in the
    // table but not there is the number a reader acts on.
    const read = variablesTheGatewayReads();
    const baseline = JSON.stringify(loadConfig(LIVE_ENV));
    const stated = [...README.matchAll(/`([A-Z][A-Z0-9_]+)`\s+(?:(\d+)(?=[,;:) ]|$)|\((\d+)\))/gm)]
      .map((match) => ({ name: match[1]!, value: match[2] ?? match[3]! }))
      .filter(({ name }) => read.has(name));
    expect(stated.length).toBeGreaterThan(10);
    const wrong = stated.filter(({ name, value }) => JSON.stringify(loadConfig({ ...LIVE_ENV, [name]: value })) !== baseline);
    expect(wrong.map(({ name, value }) => `${name} ${value}`)).toEqual([]);
  });

  it("states defaults the gateway uses: setting a documented default explicitly changes nothing", () => {
    const baseline = loadConfig(LIVE_ENV);
    const rows = configurationTable().filter((row) => row.defaults.length > 0);
    expect(rows.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const { names, defaults } of rows) {
      for (const [index, value] of defaults.entries()) {
        // Each documented default belongs to one of its row's variables (rows list several: `_BASE_URL`, `_TIME_ZONE`);
        // a row with one default per variable (`PORT`, `HOST`: `4000`, `127.0.0.1`) pairs them in order.
        const candidates = defaults.length === names.length ? [names[index]!] : names;
        const unchanged = candidates.some((name) => {
          try {
            return JSON.stringify(loadConfig({ ...LIVE_ENV, [name]: value })) === JSON.stringify(baseline);
          } catch {
            return false;
          }
        });
        if (!unchanged) wrong.push(`${names.join(', ')}: ${value}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
