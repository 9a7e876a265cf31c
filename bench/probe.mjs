// The bench's measuring probe, loaded into a bench server process with `node --import ./bench/probe.mjs ...` (our
// gateway, the bare-yoga floor, Hive Gateway alike). Plain JavaScript so it loads without tsx. Active only with
// BENCH_PROBE=1 in a process started with an IPC channel (bench/server-process.ts): the product never sets that
// variable and has no such channel, and the probe opens no port. Nothing runs between measurements.
//
// Messages from the orchestrator: {probe: 'start'} opens a window, {probe: 'stop'} closes it and answers with what the
// process spent inside it:
// - cpuMs: process.cpuUsage() (user + system) of this whole process;
// - allocatedBytes: bytes V8 allocated on its heap = growth of the used heap + what every GC in between freed (each
//   GC's used heap before minus after, from v8.GCProfiler). An estimate: a mark-compact's "after" can still hold
//   garbage its concurrent sweeper has not reached, which makes this count a little low, never high.
// - gcMs and gcCount: the durations of the GC pauses (perf_hooks 'gc' entries) inside the window.
import process from 'node:process';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

if (process.env.BENCH_PROBE === '1' && typeof process.send === 'function') {
  const gc = { ms: 0, count: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      gc.count++;
    }
  });
  let window = null;

  const start = () => {
    gc.ms = 0;
    gc.count = 0;
    observer.observe({ entryTypes: ['gc'] });
    const profiler = new v8.GCProfiler();
    profiler.start();
    window = { profiler, cpu: process.cpuUsage(), usedHeap: v8.getHeapStatistics().used_heap_size };
    return { probe: 'started' };
  };

  const stop = () => {
    if (!window) return { probe: 'error', message: 'no window open' };
    const cpu = process.cpuUsage(window.cpu);
    const usedHeap = v8.getHeapStatistics().used_heap_size;
    const profile = window.profiler.stop();
    // GC entries reach the callback a tick late: take the ones still queued before closing.
    for (const entry of observer.takeRecords()) {
      gc.ms += entry.duration;
      gc.count++;
    }
    observer.disconnect();
    let freed = 0;
    for (const event of profile?.statistics ?? []) {
      freed += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
    }
    const allocatedBytes = usedHeap - window.usedHeap + freed;
    window = null;
    return { probe: 'stopped', cpuMs: (cpu.user + cpu.system) / 1000, allocatedBytes, gcMs: gc.ms, gcCount: gc.count };
  };

  process.on('message', (message) => {
    if (message?.probe === 'start') process.send(start());
    else if (message?.probe === 'stop') process.send(stop());
  });
  // The channel must not keep the server alive; and a bench server never outlives the orchestrator that started it.
  process.channel?.unref();
  process.once('disconnect', () => process.exit(0));
}
