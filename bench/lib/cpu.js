'use strict';
// CPU accounting from Linux /proc (elsewhere every figure is null):
//  - how much of the machine other processes took during a slice: a 2-core machine's figures shift a lot when
//    something else (a test run, a build) competes for the CPU;
//  - CPU time per request of the server under test (this process, which serves both the app and the baselines, less
//    the load generator's thread; or a child app process) and of Postgres (this process's other descendants). Unlike rps, these
//    hardly move when the machine is shared, so they are the steadier way to compare app and baseline.
const fs = require('node:fs');

const TICK_US = 1e6 / 100; // /proc reports clock ticks of 1/USER_HZ s; USER_HZ is 100 on Linux

/**
 * CPU ticks at one moment: the whole machine's (busy and total), each process of ours by pid, and this process less
 * the load generator's thread.
 * @typedef {{ busy: number, total: number, procs: Map<number, number>, main: number }} Snapshot
 */

/**
 * @typedef {object} Usage
 * @property {number} foreign share of the whole machine (0..1) other processes used
 * @property {number} serverUs CPU microseconds of the server under test
 * @property {number} postgresUs CPU microseconds of Postgres
 */

/**
 * Whose CPU is the server's: `serverPid` (a child app process), or this process less the load generator when null;
 * `otherPids` are ours but neither the server's nor Postgres's (another child app).
 * @typedef {{ serverPid?: number | null, otherPids?: number[] }} CpuOptions
 */

/**
 * Parent pid and CPU ticks (user + system) from the text of /proc/<pid>/stat.
 * @param {string} statText
 * @returns {{ ppid: number, ticks: number }}
 */
function ticksOf(statText) {
  const f = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) };
}

/** @returns {{ busy: number, total: number }} */
function machine() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * Ticks of every process that descends from this one, by pid (this process included, all its threads).
 * @returns {Map<number, number>}
 */
function tree() {
  /** @type {Map<number, number>} */
  const parent = new Map();
  /** @type {Map<number, number>} */
  const ticks = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const t = ticksOf(fs.readFileSync(`/proc/${name}/stat`, 'utf8'));
      parent.set(Number(name), t.ppid);
      ticks.set(Number(name), t.ticks);
    } catch {
      // the process ended meanwhile
    }
  }
  const ours = new Map();
  for (const [pid, t] of ticks) {
    // Up the parents to init (pid 1, whose parent is 0); this process may itself be pid 1 (node as a container's
    // entry point).
    for (let p = /** @type {number | undefined} */ (pid); p !== undefined && p > 0; p = parent.get(p)) {
      if (p === process.pid) {
        ours.set(pid, t);
        break;
      }
    }
  }
  return ours;
}

/**
 * `loadTid`: the load generator's thread, whose time is left out of this process's.
 * @param {number | null} [loadTid]
 * @returns {Snapshot | null} null where /proc cannot be read (not Linux)
 */
function snapshot(loadTid = null) {
  try {
    const procs = tree();
    const own = procs.get(process.pid);
    if (own === undefined) return null; // /proc/<our pid> unreadable: no figures rather than wrong ones
    const load = loadTid ? ticksOf(fs.readFileSync(`/proc/self/task/${loadTid}/stat`, 'utf8')).ticks : 0;
    return { ...machine(), procs, main: own - load };
  } catch {
    return null;
  }
}

/** Ticks used between the snapshots by the processes alive at the second one (a process that ended meanwhile,
 * such as a Postgres backend closed by an idle pool, takes its ticks with it and is left out rather than
 * counted negative).
 * @param {Snapshot} a
 * @param {Snapshot} b
 * @returns {number}
 */
function used(a, b) {
  let total = 0;
  for (const [pid, t] of b.procs) total += t - (a.procs.get(pid) ?? 0);
  return total;
}

/**
 * Between two snapshots: the share of the whole machine (all cores, 0..1) other processes used; and the CPU
 * microseconds the server (`serverPid`, or this process less the load generator when null) and Postgres (our other
 * descendants, except `otherPids`) spent, in total.
 * @param {Snapshot | null} a
 * @param {Snapshot | null} b
 * @param {CpuOptions} [options]
 * @returns {Usage | null}
 */
function diff(a, b, { serverPid = null, otherPids = [] } = {}) {
  if (!a || !b || b.total === a.total) return null;
  /** @param {number} pid */
  const delta = (pid) => (b.procs.get(pid) ?? 0) - (a.procs.get(pid) ?? 0);
  const ours = used(a, b);
  const foreign = Math.max(0, (b.busy - a.busy - ours) / (b.total - a.total));
  const server = serverPid === null ? b.main - a.main : delta(serverPid);
  let postgres = ours - delta(process.pid);
  for (const pid of [serverPid, ...otherPids]) if (pid !== null) postgres -= delta(pid);
  return { foreign, serverUs: server * TICK_US, postgresUs: postgres * TICK_US };
}

module.exports = { snapshot, diff };
