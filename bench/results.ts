import type { DashboardRow } from './dashboard.js';
import type { FanoutRun } from './fanout-part.js';
import type { LoadRow } from './load.js';
import type { PeerReport } from './peer.js';
import type { StartupVariant } from './startup.js';

/** The shape of bench/results/latest.json: what `npm run bench` measured, with the machine and the settings. */
export interface BenchResults {
  machine: { nproc: number; node: string; cpu: string; memoryGiB: number };
  settings: Record<string, unknown> & { parts: string[]; durationS: number; upstreamLatencyMs: number; fixedRate: number };
  startedAt: string;
  dashboard?: DashboardRow[];
  load?: LoadRow[];
  fanout?: { gateway: FanoutRun; floor: FanoutRun };
  startup?: StartupVariant[];
  peer?: PeerReport | { skipped: string };
  targets?: TargetRow[];
  durationS?: number;
}

export interface TargetRow {
  figure: string;
  measured: string;
  target: string;
  verdict: 'met' | 'missed' | 'reported' | 'not measured';
}
