// `npm run build`: compiles the gateway (src/, TypeScript) to JavaScript in dist/src/ (ESM, one .js per .ts, the same
// relative imports), and copies the dashboard's static files beside it (dist/src/dashboard/), which
// src/server/dashboard-route.ts serves relative to its own module. Production runs dist/src/main.js: no TypeScript
// loader at start-up and none on the request path (tsx costs start-up time and esbuild's __name helper per call,
// STACK.md pitfall 10).
//
// Transpiling only, with esbuild (well under a second for the whole tree); `npm run typecheck` (tsc) checks the types,
// as it always did. File by file is safe because tsconfig.json sets isolatedModules.
//
// `--if-stale` (what `npm start` runs first): compile only when a source file is newer than its output or an output is
// missing, so a fresh clone builds on its first `npm start`, an edited one rebuilds, and an unchanged one starts at
// once. `--bench`: also compile bench/*.ts to dist/bench/, so the bench's gateway runs compiled as production does.
// Plain JavaScript on purpose: it runs before every start, without tsx.
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const DIST = join(ROOT, 'dist');
/** The dashboard's browser code is bundled into dashboard.js by `npm run build:dashboard`; the server serves files. */
const DASHBOARD = join(ROOT, 'src', 'dashboard');
/** What the dashboard route serves (src/server/dashboard-route.ts): the page, its bundle, style and icon. */
const DASHBOARD_FILES = /\.(html|js|css|svg|png)$/;

/** Every file the build reads, as paths relative to the project: scripts to compile, files to copy. */
function buildInputs(withBench) {
  const inputs = [];
  const walk = (folder) => {
    for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (join(ROOT, folder) === DASHBOARD) {
        if (DASHBOARD_FILES.test(entry.name)) inputs.push(path);
      } else if (isScript(entry.name)) inputs.push(path);
    }
  };
  walk('src');
  if (withBench) for (const name of readdirSync(join(ROOT, 'bench'))) if (isScript(name)) inputs.push(join('bench', name));
  return inputs;
}

function isScript(name) {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

/** Where an input ends up under a build folder. */
function outputOf(input, folder) {
  return join(folder, isScript(input) ? input.replace(/\.ts$/, '.js') : input);
}

/** True when an output is missing or older than its source. */
function isStale(inputs) {
  return inputs.some((input) => {
    const output = outputOf(input, DIST);
    return !existsSync(output) || statSync(output).mtimeMs < statSync(join(ROOT, input)).mtimeMs;
  });
}

/**
 * Compiles everything into a staging folder, then swaps each top folder (dist/src, dist/bench) in by renaming: nothing
 * stale lingers (an output whose source was deleted could still be imported), a gateway starting meanwhile never reads
 * a half-written tree, and two builds at once (two `npm start`s) both end with a complete one.
 */
async function build(inputs) {
  const { build: esbuild } = await import('esbuild').catch((error) => {
    if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error('esbuild is not installed (a dev dependency): run `npm install`, or build where it is and ship dist/.');
  });
  const staging = join(DIST, `.building-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  try {
    await esbuild({
      entryPoints: inputs.filter(isScript).map((input) => join(ROOT, input)),
      outbase: ROOT,
      outdir: staging,
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      // tsconfig.json's settings that change emitted code (class fields under target ES2022) apply as they do for tsc.
      tsconfig: join(ROOT, 'tsconfig.json'),
      logLevel: 'warning',
    });
    for (const input of inputs.filter((candidate) => !isScript(candidate))) {
      const output = outputOf(input, staging);
      mkdirSync(dirname(output), { recursive: true });
      cpSync(join(ROOT, input), output);
    }
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

const ifStale = process.argv.includes('--if-stale');
const inputs = buildInputs(process.argv.includes('--bench'));
if (!ifStale || isStale(inputs)) {
  const started = Date.now();
  try {
    await build(inputs);
  } catch (error) {
    process.stderr.write(`Build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  if (!ifStale) process.stdout.write(`Built ${inputs.length} files into dist/ in ${Date.now() - started} ms.\n`);
}
