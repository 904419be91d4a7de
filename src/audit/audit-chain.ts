/**
 * The audit chain, recomputed in this process: each event's canonical text and hash rebuilt from its stored fields
 * (independently of the database's `audit_canonical`), the links checked lane by lane, and the signed checkpoints
 * that let a verification start part way along instead of at the first event.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const GENESIS = '0'.repeat(64);
const SEP = String.fromCharCode(31);

export type ChainProblem =
  | 'hash-mismatch'
  | 'broken-link'
  | 'head-mismatch'
  /** A checkpoint's signature does not verify: it was not written by this service (or with this key). */
  | 'checkpoint-signature'
  /** A lane's checkpoints do not follow on (one taken out, or one added out of order). */
  | 'checkpoint-sequence'
  /** The chain no longer agrees with a checkpoint: an event up to it was altered, removed or added. */
  | 'checkpoint-mismatch';

export interface ChainBreak {
  id: string;
  lane: number;
  problem: ChainProblem;
}

/** The stored fields of an event as text, as the columns below select them. */
export type EventRow = Record<
  | 'id'
  | 'lane'
  | 'prev_hash'
  | 'hash'
  | 'at'
  | 'actor_id'
  | 'actor_roles'
  | 'action'
  | 'resource_type'
  | 'resource_id'
  | 'subject_person_id'
  | 'access_basis'
  | 'request_id'
  | 'ip'
  | 'outcome'
  | 'details',
  string
>;

export const EVENT_COLUMNS = `e.id::text AS id, e.lane::text AS lane, e.prev_hash, e.hash,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at,
  coalesce(e.actor_id::text, '') AS actor_id, coalesce(e.actor_roles, '') AS actor_roles, e.action,
  e.resource_type, coalesce(e.resource_id, '') AS resource_id,
  coalesce(e.subject_person_id::text, '') AS subject_person_id, coalesce(e.access_basis, '') AS access_basis,
  coalesce(e.request_id, '') AS request_id, coalesce(e.ip, '') AS ip, e.outcome,
  coalesce(e.details::text, '') AS details`;

/** The hash an event should have, from its stored fields (the same canonical text `audit_append` hashes). */
export function eventHash(r: EventRow): string {
  const canonical = [
    r.id,
    r.lane,
    r.prev_hash,
    r.at,
    r.actor_id,
    r.actor_roles,
    r.action,
    r.resource_type,
    r.resource_id,
    r.subject_person_id,
    r.access_basis,
    r.request_id,
    r.ip,
    r.outcome,
    r.details,
  ].join(SEP);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

export interface Checkpoint {
  lane: number;
  lastId: string;
  lastHash: string;
  /** Events in the lane up to and including lastId. */
  events: number;
  prevId: string | null;
}

/** HMAC-SHA256 of what a checkpoint says, under AUDIT_CHECKPOINT_KEY. */
export function signCheckpoint(key: Uint8Array, c: Checkpoint): string {
  const text = ['amhp-hub audit checkpoint v1', c.lane, c.lastId, c.lastHash, c.events, c.prevId ?? ''].join(SEP);
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

export function checkpointSignatureValid(key: Uint8Array, c: Checkpoint, signature: string): boolean {
  const expected = Buffer.from(signCheckpoint(key, c), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks each lane's checkpoints (oldest first): every signature, and that each names the one before it. Returns,
 * per lane, the last checkpoint that can be trusted (all up to it signed and in sequence), and the problems found.
 */
export function trustedCheckpoints(
  key: Uint8Array,
  rows: Array<Checkpoint & { signature: string }>,
): { trusted: Map<number, Checkpoint>; breaks: ChainBreak[]; checked: number } {
  const trusted = new Map<number, Checkpoint>();
  const stopped = new Set<number>();
  const breaks: ChainBreak[] = [];
  const byLane = new Map<number, Array<Checkpoint & { signature: string }>>();
  for (const r of rows) byLane.set(r.lane, [...(byLane.get(r.lane) ?? []), r]);
  for (const [lane, list] of byLane) {
    list.sort((a, b) => (BigInt(a.lastId) < BigInt(b.lastId) ? -1 : 1));
    let before: Checkpoint | null = null;
    for (const c of list) {
      if (!checkpointSignatureValid(key, c, c.signature)) {
        breaks.push({ id: c.lastId, lane, problem: 'checkpoint-signature' });
        stopped.add(lane);
        break;
      }
      if ((c.prevId ?? null) !== (before?.lastId ?? null) || c.events <= (before?.events ?? 0)) {
        breaks.push({ id: c.lastId, lane, problem: 'checkpoint-sequence' });
        stopped.add(lane);
        break;
      }
      before = c;
    }
    // A lane whose checkpoints stop being trustworthy is verified from its last good one (or from the start).
    if (before) trusted.set(lane, before);
  }
  return { trusted, breaks, checked: rows.length };
}

/**
 * Each lane's newest checkpoint, checked with the one before it that it names (`rows`: both, per lane): signed, and
 * in sequence. A lane whose newest does not verify starts from the one before it if that one does, else from its
 * first event. Only these are read, so the check costs the same after ten years as after one; the full
 * verification checks every checkpoint.
 */
export function trustedLatest(
  key: Uint8Array,
  rows: Array<Checkpoint & { signature: string }>,
): { trusted: Map<number, Checkpoint>; breaks: ChainBreak[]; checked: number } {
  const trusted = new Map<number, Checkpoint>();
  const breaks: ChainBreak[] = [];
  const lanes = [...new Set(rows.map((r) => r.lane))];
  for (const lane of lanes) {
    const mine = rows.filter((r) => r.lane === lane).sort((a, b) => (BigInt(a.lastId) < BigInt(b.lastId) ? -1 : 1));
    const latest = mine[mine.length - 1];
    const before = latest.prevId === null ? undefined : mine.find((c) => c.lastId === latest.prevId);
    const latestValid = checkpointSignatureValid(key, latest, latest.signature);
    const beforeValid = before !== undefined && checkpointSignatureValid(key, before, before.signature);
    if (!latestValid) breaks.push({ id: latest.lastId, lane, problem: 'checkpoint-signature' });
    if (before && !beforeValid) breaks.push({ id: before.lastId, lane, problem: 'checkpoint-signature' });
    if (latest.prevId !== null && (!before || before.events >= latest.events))
      breaks.push({ id: latest.lastId, lane, problem: 'checkpoint-sequence' });
    const start = latestValid ? latest : beforeValid ? before : undefined;
    if (start) trusted.set(lane, start);
  }
  return { trusted, breaks, checked: rows.length };
}

/** Where one lane's walk starts (after `afterId`, which has hash `prev` and is the `events`-th) and ends (`uptoId`). */
export interface LaneCursor {
  lane: number;
  afterId: string;
  prev: string;
  events: number;
  /** The lane head's last_id when the walk started: everything up to it is committed. */
  uptoId: string;
  lastId: string | null;
  broken: boolean;
}

export type SqlQuery = (sql: string, params: unknown[]) => Promise<EventRow[]>;

export interface WalkOptions {
  /** How the events are read (walkChain): each lane by its index (default), or all lanes together in id order. */
  scan?: 'lanes' | 'ids';
  batchSize?: number;
  /** Stop after this many events (the checkpoint job's share of a run); the cursors say where it stopped. */
  maxEvents?: number;
  /** After each event is checked: `ok` while its lane has no break so far. */
  onEvent?: (cursor: LaneCursor, row: EventRow, ok: boolean) => void;
  /** After each batch, with the events checked so far. */
  onBatch?: (checked: number) => Promise<void> | void;
}

/**
 * Walks each lane from its cursor to the head it names, checking each event's hash and its link to the one before it
 * in its lane. A lane's events are appended under its head's lock, so ids rise along the lane and everything up to the
 * head read at the start is committed: events appended meanwhile are past `uptoId` and left for the next walk.
 *
 * Two ways to read the events, the same checks:
 * - `lanes` (the default; verify and the checkpoint job): each lane on its own, by the (lane, id) index, a batch of
 *   each lane in turn (so a run's `maxEvents` is shared between the lanes). What is read is the events after each
 *   lane's checkpoint, however far back the quietest lane's checkpoint is: reading the lanes together in id order
 *   from the oldest cursor read ten seconds of a 20 million event log to recompute 5,000 events (bench/audit.bench.js).
 * - `ids` (the full re-verification, every lane from its start): all lanes together in id order, one range scan of
 *   the primary key, the heap read once in order.
 */
export async function walkChain(query: SqlQuery, cursors: LaneCursor[], breaks: ChainBreak[], options: WalkOptions = {}): Promise<number> {
  const live = liveCursors(cursors);
  if (!live.length) return 0;
  const state = { checked: 0 };
  const check = (c: LaneCursor, r: EventRow) => {
    if (r.prev_hash !== c.prev) {
      breaks.push({ id: r.id, lane: c.lane, problem: 'broken-link' });
      c.broken = true;
    }
    if (eventHash(r) !== r.hash) {
      breaks.push({ id: r.id, lane: c.lane, problem: 'hash-mismatch' });
      c.broken = true;
    }
    c.prev = r.hash;
    c.lastId = r.id;
    c.afterId = r.id;
    c.events += 1;
    options.onEvent?.(c, r, !c.broken);
  };
  if (options.scan === 'ids') await walkInIdOrder(query, cursors, live, check, state, options);
  else await walkLaneByLane(query, live, check, state, options);
  return state.checked;
}

type Check = (c: LaneCursor, r: EventRow) => void;

/** The cursors of lanes with events still to walk (their head is past where they start). */
export function liveCursors(cursors: LaneCursor[]): LaneCursor[] {
  return cursors.filter((c) => BigInt(c.uptoId) > BigInt(c.afterId));
}

/**
 * The ids a walk of `live` covers, (after, end]: after the earliest start, up to the latest head. Ids are shared by the
 * lanes, so `end - after` is the most events there can be to walk. Null when no lane has any.
 */
export function idSpan(live: LaneCursor[]): { after: bigint; end: bigint } | null {
  if (!live.length) return null;
  const end = live.reduce((m, c) => (BigInt(c.uptoId) > m ? BigInt(c.uptoId) : m), 0n);
  return { after: live.reduce((m, c) => (BigInt(c.afterId) < m ? BigInt(c.afterId) : m), end), end };
}

/**
 * An `onBatch` for background work beside the API (the checkpoint job): after each batch it waits as long as that
 * batch took, so the walk takes at most about half of one core however many events have piled up. Running flat out,
 * a minute's audit rows at 500 requests a second (80,000 events) took the queue's p99 from ~6 ms to ~77 ms while the
 * job ran; resting, ~15 ms (bench/on-duty.bench.js with BENCH_JOBS=1).
 */
export function restingAsLongAsWorking(now: () => number = () => performance.now()): () => Promise<void> {
  let started = now();
  return async () => {
    const worked = now() - started;
    await new Promise<void>((resolve) => setTimeout(resolve, worked));
    started = now();
  };
}

/** Events read a batch by the walks that run beside the API (the checkpoint job's, the full re-verification's). */
const BACKGROUND_BATCH = 1000;

/** An event the checkpoint job signs: the `every`-th of its lane, on a lane whose walk has found no break. */
export interface CheckpointMark {
  lane: number;
  id: string;
  hash: string;
  events: number;
}

/** What the checkpoint job's walk found: events checked, where to sign, breaks, and where each lane stopped. */
export interface CheckpointWalk {
  checked: number;
  marks: CheckpointMark[];
  breaks: ChainBreak[];
}

/**
 * The checkpoint job's walk (in the API's thread or in a worker thread): each lane from its cursor, 1,000 events a
 * batch with a rest after each as long as it took, noting every `every`-th event of a lane that has no break so far.
 */
export async function checkpointWalk(query: SqlQuery, cursors: LaneCursor[], every: number, maxEvents: number): Promise<CheckpointWalk> {
  const marks: CheckpointMark[] = [];
  const breaks: ChainBreak[] = [];
  const checked = await walkChain(query, cursors, breaks, {
    maxEvents,
    batchSize: BACKGROUND_BATCH,
    onBatch: restingAsLongAsWorking(),
    onEvent: (c, r, ok) => {
      if (ok && c.events % every === 0) marks.push({ lane: c.lane, id: r.id, hash: r.hash, events: c.events });
    },
  });
  return { checked, marks, breaks };
}

/** What the full re-verification's walk found: events checked, breaks, where each lane ended, checkpoints not met. */
export interface FullWalk {
  checked: number;
  breaks: ChainBreak[];
  cursors: LaneCursor[];
  /** Signed checkpoints the walk never met at their place in the chain. */
  unmet: Checkpoint[];
}

/**
 * The full re-verification's walk: every lane from its start, all lanes together in id order (the heap read once),
 * each signed checkpoint in `expected` compared with the chain where it stands. `onBatch` gets the events checked so
 * far after each batch (progress; a throw stops the walk).
 */
export async function fullWalk(
  query: SqlQuery,
  cursors: LaneCursor[],
  expected: Checkpoint[],
  onBatch: (checked: number) => Promise<void> | void,
): Promise<FullWalk> {
  const waiting = new Map(expected.map((c) => [`${c.lane}:${c.lastId}`, c]));
  const breaks: ChainBreak[] = [];
  const checked = await walkChain(query, cursors, breaks, {
    scan: 'ids',
    batchSize: BACKGROUND_BATCH,
    onEvent: (c, r) => {
      const cp = waiting.get(`${c.lane}:${r.id}`);
      if (!cp) return;
      waiting.delete(`${c.lane}:${r.id}`);
      if (cp.lastHash !== r.hash || cp.events !== c.events) breaks.push({ id: r.id, lane: c.lane, problem: 'checkpoint-mismatch' });
    },
    onBatch,
  });
  return { checked, breaks, cursors, unmet: [...waiting.values()] };
}

/** Events hashed between two turns of the event loop: about half a millisecond of work. */
export const EVENTS_PER_SLICE = 500;

/**
 * `each` over a batch of rows, giving the event loop a turn after every EVENTS_PER_SLICE: hashing a batch of 5,000
 * events in one go held every request waiting for ~7 ms, each minute the checkpoint job ran and throughout a full
 * re-verification.
 */
async function inSlices(rows: EventRow[], each: (r: EventRow) => void): Promise<void> {
  for (let i = 0; i < rows.length; i++) {
    if (i > 0 && i % EVENTS_PER_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    each(rows[i]);
  }
}

function batchLimit(state: { checked: number }, options: WalkOptions): number {
  const batch = options.batchSize ?? 5000;
  return options.maxEvents !== undefined ? Math.min(batch, options.maxEvents - state.checked) : batch;
}

async function walkLaneByLane(query: SqlQuery, live: LaneCursor[], check: Check, state: { checked: number }, options: WalkOptions) {
  let open = live;
  while (open.length) {
    const next: LaneCursor[] = [];
    for (const c of open) {
      const limit = batchLimit(state, options);
      if (limit <= 0) return;
      const rows = await query(
        `SELECT ${EVENT_COLUMNS} FROM audit_events e WHERE e.lane = $1 AND e.id > $2 AND e.id <= $3 ORDER BY e.id LIMIT $4`,
        [c.lane, c.afterId, c.uptoId, limit],
      );
      await inSlices(rows, (r) => check(c, r));
      state.checked += rows.length;
      await options.onBatch?.(state.checked);
      if (rows.length === limit) next.push(c);
    }
    open = next;
  }
}

async function walkInIdOrder(
  query: SqlQuery,
  cursors: LaneCursor[],
  live: LaneCursor[],
  check: Check,
  state: { checked: number },
  options: WalkOptions,
) {
  const width = Math.max(...cursors.map((c) => c.lane)) + 1;
  const from = Array.from({ length: width }, () => '0');
  const upto = Array.from({ length: width }, () => '0');
  for (const c of live) {
    from[c.lane] = c.afterId;
    upto[c.lane] = c.uptoId;
  }
  const byLane = new Map(cursors.map((c) => [c.lane, c]));
  const { after: first, end } = idSpan(live)!;
  let after = first.toString();
  for (;;) {
    const limit = batchLimit(state, options);
    if (limit <= 0) break;
    const rows = await query(
      `SELECT ${EVENT_COLUMNS} FROM audit_events e
        WHERE e.id > $1 AND e.id <= $4 AND e.id > ($2::bigint[])[e.lane + 1] AND e.id <= ($3::bigint[])[e.lane + 1]
        ORDER BY e.id LIMIT $5`,
      [after, from, upto, end.toString(), limit],
    );
    await inSlices(rows, (r) => {
      const c = byLane.get(Number(r.lane));
      if (c) check(c, r);
    });
    state.checked += rows.length;
    if (rows.length) after = rows[rows.length - 1].id;
    await options.onBatch?.(state.checked);
    if (rows.length < limit) break;
  }
}
