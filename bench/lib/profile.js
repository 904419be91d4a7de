'use strict';
// Profiling the app's thread while a bench measures it (the app runs on the bench's main thread; the load comes from
// a worker thread, which this does not profile).
const fs = require('node:fs');
const path = require('node:path');

/**
 * BENCH_CPU_PROFILE=1: the inspector's sampling profiler runs until `stop`, which writes the profile to
 * bench/results/<file>.cpuprofile (open it in Chromium's DevTools).
 * BENCH_HEAP_PROFILE=1: the same with V8's sampling heap profiler, keeping what survived the young generation and was
 * then collected by a full GC (what fills the old generation with garbage), to <file>.heapprofile.
 * Both cost CPU themselves: figures to quote come from runs without them.
 * @returns {Promise<{ stop(file: string): Promise<void> } | undefined>} undefined when neither is asked for
 */
async function startProfile() {
  const cpu = !!process.env.BENCH_CPU_PROFILE;
  if (!cpu && !process.env.BENCH_HEAP_PROFILE) return undefined;
  const { Session } = require('node:inspector/promises');
  const session = new Session();
  session.connect();
  if (cpu) {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true });
  }
  return {
    async stop(file) {
      const { profile } = cpu ? await session.post('Profiler.stop') : await session.post('HeapProfiler.stopSampling');
      session.disconnect();
      const dir = path.join(__dirname, '..', 'results');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${file}.${cpu ? 'cpuprofile' : 'heapprofile'}`), JSON.stringify(profile));
    },
  };
}

module.exports = { startProfile };
