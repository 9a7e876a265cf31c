// `npm run build`: bundles the gateway (src/main.ts and everything it imports, dependencies included) into
// dist/src/main.js with esbuild, and copies the dashboard's static files to dist/dashboard/. Production runs
// dist/src/main.js: no TypeScript loader at start-up or on the request path (tsx costs start-up time and esbuild's
// __name helper per call, STACK.md pitfall 10).
//
// Why one bundle rather than one .js per .ts: Node's ESM loader resolves, reads and links every module on its own,
// and the gateway's graph is about 800 ESM modules (257 of them @graphql-tools/utils alone) plus the CommonJS ones;
// loading them was most of the start-up time (1.5-2 s to ready, most of it imports). One file parses in a fraction.
// Not bundled: what is loaded by file path at run time or only on demand:
// - pino and pino-pretty (pino starts its pretty transport in a worker thread that requires it by name);
// - @graphql-yoga/render-graphiql (9 MB of GraphiQL, imported on the first GraphiQL visit);
// - ws's optional native add-ons. Code imported with import() (tracing, JWT) becomes its own chunk in dist/src/chunks/.
//
// The dashboard route finds its files at `../dashboard/` from its module's URL: src/dashboard/ from the TypeScript,
// dist/dashboard/ from the bundle (dist/src/main.js), which is where this build copies them. A bundle at another depth
// would need the copy moved with it (test/e2e/compiled-start.test.ts checks the files are served).
//
// Transpiling only; `npm run typecheck` (tsc) checks the types, as it always did.
//
// `--if-stale` (what `npm start` does first, scripts/start.mjs): build only when an input (a source file, a dashboard file, or the
// installed dependencies, which are in the bundle) is newer than the bundle, so a fresh clone builds on its first
// `npm start`, an edited one or one after `npm install` rebuilds, and an unchanged one starts at once. `--bench`: also
// bundle bench/gateway-server.ts to dist/bench/, so the bench's gateway runs compiled as production does.
// Plain JavaScript on purpose: it runs before every start, without tsx.
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
/** The dashboard's browser code is bundled into dashboard.js by `npm run build:dashboard`; the server serves files. */
const DASHBOARD = join(ROOT, 'src', 'dashboard');
/** What the dashboard route serves (src/server/dashboard-route.ts): the page, its bundle, style and icon. */
const DASHBOARD_FILES = /\.(html|js|css|svg|png|ico)$/;
/** npm rewrites this on every install: dependencies changed, so the bundle that holds them is stale. */
const INSTALLED = join(ROOT, 'node_modules', '.package-lock.json');

/** What each bundle is built from and where it goes (relative to dist/). */
const BUNDLES = {
  gateway: { entry: 'src/main.ts', output: 'src/main.js', folders: ['src'] },
  bench: { entry: 'bench/gateway-server.ts', output: 'bench/gateway-server.js', folders: ['src', 'bench'] },
};

/** Packages left to Node's resolution at run time (see the header). */
const EXTERNAL = ['pino', 'pino-pretty', '@graphql-yoga/render-graphiql', 'bufferutil', 'utf-8-validate'];

/**
 * What every output file starts with.
 * - A real `require`: esbuild turns CommonJS dependencies' require() of Node's built-ins into a helper that needs one,
 *   which an ES module does not have.
 * - NODE_ENV=production unless the environment says otherwise, as production Node services run: graphql's
 *   `instanceOf` otherwise checks, on every negative type test of every field it completes, whether a second copy of
 *   graphql is loaded (about 2.5% of a cached request's CPU), and the bundle holds exactly one. graphql-ws then also
 *   keeps an unexpected error's message out of the close reason it sends. Nothing of ours reads NODE_ENV.
 */
const BANNER = [
  "import { createRequire as __createRequire } from 'node:module';",
  'const require = __createRequire(import.meta.url);',
  "process.env.NODE_ENV ??= 'production';",
].join(' ');

/**
 * graphql ships each module twice, CommonJS (`.js`, what Node loads: the package has no "exports") and ES (`.mjs`).
 * In the bundle every import of graphql, deep ones included (graphql-armor's `graphql/language/parser`), takes the ES
 * build: one copy of graphql, as under Node, whose functions the request path calls directly, not through the
 * getters esbuild puts on a CommonJS module's exports (about 2% of a cached request's CPU). Preferring ES builds for
 * every package instead (mainFields) would split graphql in two: the root import as ES, deep paths as CommonJS, with
 * two GraphQLError classes.
 */
const GRAPHQL_AS_ES_MODULES = {
  name: 'graphql-as-es-modules',
  setup(build) {
    const resolveAsNode = createRequire(join(ROOT, 'package.json')).resolve;
    build.onResolve({ filter: /^graphql(\/.*)?$/ }, (args) => {
      const esModule = resolveAsNode(args.path).replace(/\.js$/, '.mjs');
      return existsSync(esModule) ? { path: esModule } : undefined;
    });
  },
};

/** Every source file under a project folder (TypeScript and the dashboard's static files), as absolute paths. */
function filesUnder(folder) {
  const files = [];
  const walk = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts') || (path === DASHBOARD && DASHBOARD_FILES.test(entry.name))) files.push(child);
    }
  };
  walk(join(ROOT, folder));
  return files;
}

/** True when the bundle is missing or older than anything it is built from. */
function isStale(bundle) {
  const output = join(DIST, bundle.output);
  if (!existsSync(output)) return true;
  const builtAt = statSync(output).mtimeMs;
  const inputs = bundle.folders.flatMap(filesUnder);
  if (existsSync(INSTALLED)) inputs.push(INSTALLED);
  return inputs.some((input) => statSync(input).mtimeMs > builtAt);
}

/**
 * Bundles into a staging folder, then swaps each top folder (dist/src, dist/dashboard, dist/bench) in by renaming:
 * nothing stale lingers, a gateway starting meanwhile never reads a half-written tree, and two builds at once (two
 * `npm start`s) both end with a complete one.
 */
async function build(bundles) {
  const { build: esbuild } = await import('esbuild').catch((error) => {
    if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new BuilderMissing();
  });
  const staging = join(DIST, `.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    for (const bundle of bundles) {
      const outdir = join(staging, bundle.output, '..');
      await esbuild({
        entryPoints: [join(ROOT, bundle.entry)],
        outdir,
        bundle: true,
        // import() keeps its laziness: what it loads becomes a chunk read on first use, not at start-up.
        splitting: true,
        chunkNames: 'chunks/[name]-[hash]',
        format: 'esm',
        platform: 'node',
        target: 'node20',
        external: EXTERNAL,
        plugins: [GRAPHQL_AS_ES_MODULES],
        banner: { js: BANNER },
        // Stack traces name the TypeScript lines when run with --enable-source-maps; nothing reads the map otherwise.
        sourcemap: 'linked',
        // tsconfig.json's settings that change emitted code (class fields under target ES2022) apply as they do for tsc.
        tsconfig: join(ROOT, 'tsconfig.json'),
        logLevel: 'warning',
        legalComments: 'none',
      });
    }
    const dashboard = join(staging, 'dashboard');
    mkdirSync(dashboard, { recursive: true });
    for (const name of readdirSync(DASHBOARD)) if (DASHBOARD_FILES.test(name)) cpSync(join(DASHBOARD, name), join(dashboard, name));
    for (const top of readdirSync(staging)) swapIn(join(staging, top), join(DIST, top));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

function swapIn(fresh, target) {
  const old = `${target}.old-${process.pid}`;
  try {
    renameSync(target, old);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(fresh, target);
  } catch (error) {
    // Another build put its output there in between: as fresh as this one.
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
  rmSync(old, { recursive: true, force: true });
}

/** esbuild, a dev dependency, is not installed (a production install): nothing can be built here. */
export class BuilderMissing extends Error {
  constructor() {
    super('esbuild is not installed (a dev dependency): run `npm install`, or build where it is and ship dist/.');
  }
}

/**
 * Builds the gateway's bundle (and the bench's with `bench`), all of them or (`ifStale`) only those older than their
 * inputs. Returns the bundles built, as dist/ paths; throws on a build error.
 */
export async function buildBundles({ bench = false, ifStale = false } = {}) {
  const wanted = bench ? [BUNDLES.gateway, BUNDLES.bench] : [BUNDLES.gateway];
  const bundles = ifStale ? wanted.filter(isStale) : wanted;
  if (bundles.length > 0) await build(bundles);
  return bundles.map((bundle) => `dist/${bundle.output}`);
}

// As a command (`npm run build`, the bench): build and say what was built.
// (Compared as real paths: Node gives this module its real path, argv[1] as typed, which may pass through a symlink.)
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  try {
    const built = await buildBundles({ bench: process.argv.includes('--bench'), ifStale: process.argv.includes('--if-stale') });
    if (built.length > 0) process.stdout.write(`Built ${built.join(' and ')} in ${Date.now() - started} ms.\n`);
  } catch (error) {
    process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
