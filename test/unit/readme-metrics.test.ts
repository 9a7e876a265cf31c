import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';
import { realtimeRegisterMetrics } from '../../src/observability/realtime-register-metrics.js';
import { veriffMetrics } from '../../src/observability/veriff-metrics.js';

/**
 * Operators build dashboards and alerts from the series the README names: a renamed metric or label silently empties
 * them. The README's "Health and metrics" lists every series the gateway registers, and every series the README names
 * anywhere (with its labels, where it gives them) is one the gateway has.
 */
const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const SECTION = /\n## Health and metrics\n([\s\S]*?)\n## /.exec(README)?.[1] ?? '';

/** Every series of the gateway's registry with its label names, Node's default process metrics left out. */
function registeredSeries(): Map<string, string[]> {
  const { registry } = createMetrics();
  realtimeRegisterMetrics(registry);
  veriffMetrics(registry);
  const series = new Map<string, string[]>();
  for (const metric of registry.getMetricsAsArray() as unknown as { name: string; labelNames?: string[] }[]) {
    series.set(metric.name, [...(metric.labelNames ?? [])].sort());
  }
  return series;
}

describe("the README's metrics and src/observability", () => {
  it('lists every series the gateway registers in "Health and metrics"', () => {
    const listed = new Set([...SECTION.matchAll(/`(gateway_[a-z_]+)/g)].map((match) => match[1]!));
    const series = [...registeredSeries().keys()];
    expect(series.length).toBeGreaterThan(15);
    expect(series.filter((name) => !listed.has(name)).sort()).toEqual([]);
  });

  it('names only series the gateway registers, with the labels it gives them', () => {
    const series = registeredSeries();
    const wrong: string[] = [];
    for (const match of README.matchAll(/`(gateway_[a-z_]+)(?:\{([a-z_,]+)\})?/g)) {
      const [, name, labels] = match;
      if (name!.startsWith('gateway_process_')) continue;
      const registered = series.get(name!);
      if (!registered) wrong.push(`${name}: not registered`);
      else if (labels !== undefined && labels.split(',').sort().join(',') !== registered.join(',')) {
        wrong.push(`${name}{${labels}}: registered with {${registered.join(',')}}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
