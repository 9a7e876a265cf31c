import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { machineLine, sections } from './report.js';
import type { BenchResults } from './results.js';
import { targetRows } from './targets.js';

/**
 * `npm run bench:readme`: writes the tables of bench/results/latest.json (the last `npm run bench`) into bench/README.md,
 * between the "latest-run" markers, so the README shows exactly what the last run printed, with its machine and date.
 * Everything outside the markers is left as it is. The target rows are recomputed from the stored measurements.
 */
const START = '<!-- latest-run:start (npm run bench:readme writes this part) -->';
const END = '<!-- latest-run:end -->';
const readmeUrl = new URL('./README.md', import.meta.url);
const results = JSON.parse(readFileSync(new URL('./results/latest.json', import.meta.url), 'utf8')) as BenchResults;

if (!results.targets) {
  process.stderr.write('bench/results/latest.json is from before the issue 17 bench (no targets): run `npm run bench` first.\n');
  process.exit(1);
}
// The verdicts are derived again from the run's measurements, so a change to how a target is judged or explained
// shows without measuring again; the measurements themselves are the run's.
results.targets = targetRows(results);
const readme = readFileSync(readmeUrl, 'utf8');
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from < 0 || to < from) {
  process.stderr.write(`bench/README.md has no "${START}" ... "${END}" section to fill.\n`);
  process.exit(1);
}
const body = [machineLine(results), '', ...sections(results).flatMap((section) => [`### ${section.title}`, '', section.body, ''])].join('\n');
writeFileSync(readmeUrl, `${readme.slice(0, from + START.length)}\n\n${body}\n${readme.slice(to)}`);
process.stdout.write(`bench/README.md: latest run of ${results.startedAt} written\n`);
