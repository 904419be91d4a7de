import { ChainBreak, EventRow, eventHash, EVENTS_PER_SLICE, GENESIS, LaneCursor, restingAsLongAsWorking, walkChain } from './audit-chain';

/** A log of `count` events spread over lanes by `laneOf(id)`, each chained to the one before it in its lane. */
function log(count: number, laneOf: (id: number) => number): EventRow[] {
  const last = new Map<number, string>();
  const rows: EventRow[] = [];
  for (let id = 1; id <= count; id++) {
    const lane = laneOf(id);
    const row: EventRow = {
      id: String(id),
      lane: String(lane),
      prev_hash: last.get(lane) ?? GENESIS,
      hash: '',
      at: '2026-11-21T10:00:00.000000Z',
      actor_id: '',
      actor_roles: 'amhp',
      action: 'referral.read',
      resource_type: 'referral',
      resource_id: `r-${id}`,
      subject_person_id: '',
      access_basis: 'relationship:allocated',
      request_id: '',
      ip: '',
      outcome: 'allowed',
      details: '',
    };
    row.hash = eventHash(row);
    last.set(lane, row.hash);
    rows.push(row);
  }
  return rows;
}

/** Postgres for the two statements walkChain sends, over `rows`, recording each statement's parameters and rows read. */
function database(rows: EventRow[]) {
  const reads: Array<{ lane: number | null; after: number; rows: number }> = [];
  const query = (sql: string, params: unknown[]): Promise<EventRow[]> => {
    if (/e\.lane = \$1/.test(sql)) {
      const [lane, after, upto, limit] = params.map(Number);
      const out = rows.filter((r) => Number(r.lane) === lane && Number(r.id) > after && Number(r.id) <= upto).slice(0, limit);
      reads.push({ lane, after, rows: out.length });
      return Promise.resolve(out);
    }
    const [after, from, upto, end, limit] = params as [string, string[], string[], string, number];
    const out = rows
      .filter((r) => {
        const id = Number(r.id);
        const lane = Number(r.lane);
        return id > Number(after) && id <= Number(end) && id > Number(from[lane] ?? 0) && id <= Number(upto[lane] ?? 0);
      })
      .slice(0, limit);
    // In id order, every row between the oldest cursor and the end is read to find these.
    reads.push({ lane: null, after: Number(after), rows: out.length });
    return Promise.resolve(out);
  };
  return { query, reads };
}

/** Each lane's cursor: after its `checkpoint`-th event (0: from the start), up to its last event. */
function cursors(rows: EventRow[], lanes: number[], checkpointAt: (lane: number) => number): LaneCursor[] {
  return lanes.map((lane) => {
    const mine = rows.filter((r) => Number(r.lane) === lane);
    const n = checkpointAt(lane);
    const at = n ? mine[n - 1] : undefined;
    return {
      lane,
      afterId: at?.id ?? '0',
      prev: at?.hash ?? GENESIS,
      events: n,
      uptoId: mine.at(-1)?.id ?? '0',
      lastId: at?.id ?? null,
      broken: false,
    };
  });
}

describe('walking the audit chain from the checkpoints', () => {
  // Lane 2 is quiet: one event in a hundred, so its last checkpoint (its 5th event) is far back in the log.
  const laneOf = (id: number) => (id % 100 === 0 ? 2 : id % 2);
  const rows = log(2_000, laneOf);
  const checkpoints = (lane: number) => (lane === 2 ? 5 : 950);

  it('reads each lane from its own checkpoint: a quiet lane with an old checkpoint does not make it read the whole log', async () => {
    const db = database(rows);
    const c = cursors(rows, [0, 1, 2], checkpoints);
    const expected = rows.filter((r) => Number(r.id) > Number(c.find((x) => x.lane === Number(r.lane))!.afterId)).length;
    const breaks: ChainBreak[] = [];
    const checked = await walkChain(db.query, c, breaks, { batchSize: 20 });
    expect(breaks).toEqual([]);
    expect(checked).toBe(expected);
    expect(db.reads.every((r) => r.lane !== null)).toBe(true);
    // Every row read is one checked: nothing before a lane's own cursor.
    expect(db.reads.reduce((n, r) => n + r.rows, 0)).toBe(expected);
    expect(c.map((x) => x.events)).toEqual([
      rows.filter((r) => r.lane === '0').length,
      rows.filter((r) => r.lane === '1').length,
      rows.filter((r) => r.lane === '2').length,
    ]);
  });

  it('takes the lanes in turn, a batch at a time, so a run capped at maxEvents moves every lane on', async () => {
    const db = database(rows);
    const c = cursors(rows, [0, 1, 2], () => 0);
    const checked = await walkChain(db.query, c, [], { batchSize: 10, maxEvents: 45 });
    expect(checked).toBe(45);
    expect(db.reads.slice(0, 3).map((r) => r.lane)).toEqual([0, 1, 2]);
    expect(c.every((x) => x.events > 0)).toBe(true);
  });

  const change = (r: EventRow[]): void => {
    r[1950].details = '{"changed":true}';
  };
  const takeOut = (r: EventRow[]): void => {
    r.splice(1950, 1);
  };
  it.each([
    ['lanes', 'hash-mismatch', change],
    ['ids', 'hash-mismatch', change],
    ['lanes', 'broken-link', takeOut],
    ['ids', 'broken-link', takeOut],
  ] as const)('reading by %s, an event changed or taken out after a checkpoint is found (%s)', async (scan, problem, tamper) => {
    const copy = rows.map((r) => ({ ...r }));
    const c = cursors(copy, [0, 1, 2], checkpoints);
    tamper(copy);
    const breaks: ChainBreak[] = [];
    await walkChain(database(copy).query, c, breaks, { scan, batchSize: 50 });
    expect(breaks.map((b) => b.problem)).toContain(problem);
    expect(breaks[0].lane).toBe(laneOf(1951));
  });

  it('reading all lanes in id order (the full re-verification) checks the same events as reading them lane by lane', async () => {
    const byLane = cursors(rows, [0, 1, 2], () => 0);
    const inOrder = cursors(rows, [0, 1, 2], () => 0);
    const a = await walkChain(database(rows).query, byLane, [], { batchSize: 64 });
    const b = await walkChain(database(rows).query, inOrder, [], { scan: 'ids', batchSize: 64 });
    expect(a).toBe(2_000);
    expect(b).toBe(2_000);
    expect(inOrder.map((x) => [x.events, x.prev])).toEqual(byLane.map((x) => [x.events, x.prev]));
  });

  it.each(['lanes', 'ids'] as const)(
    'reading by %s, other requests get turns while a large batch is hashed (the event loop is never held for a whole batch)',
    async (scan) => {
      const one = cursors(rows, [0, 1, 2], () => 0);
      let checked = 0;
      // Work that arrives as the walk starts (a request): it runs at the loop's first turn.
      const ranAfter: number[] = [];
      setImmediate(() => ranAfter.push(checked));
      await walkChain(database(rows).query, one, [], { scan, batchSize: 2_000, onEvent: () => (checked += 1) });
      expect(checked).toBe(2_000);
      // It waited for one slice of events at most, not for the whole batch.
      expect(ranAfter).toEqual([EVENTS_PER_SLICE]);
    },
  );

  it('the checkpoint job rests after each batch as long as the batch took (so it takes at most about half a core)', async () => {
    jest.useFakeTimers();
    try {
      // The job's clock: the walk started at 1,000 ms; its first batch ended at 1,040 and its second 5 ms after its rest.
      const readings = [1_000, 1_040, 2_000, 2_005, 3_000];
      const rest = restingAsLongAsWorking(() => readings.shift()!);
      const restedFor = async (): Promise<number> => {
        let done = false;
        void rest().then(() => (done = true));
        let ms = 0;
        while (!done) {
          await jest.advanceTimersByTimeAsync(1);
          ms += 1;
        }
        return ms;
      };
      expect(await restedFor()).toBe(40);
      expect(await restedFor()).toBe(5);
    } finally {
      jest.useRealTimers();
    }
  });
});
