import type { ServerResponse } from 'node:http';
import type { Actor } from '../auth/actor';
import { REPLAY_LIMIT, StreamService } from './stream.service';
import type { StreamEvent } from './stream.visibility';
import { FakeStreamResponse as FakeResponse } from '../../test/support/fake-stream-response';

const manager = { userId: '11111111-1111-4111-8111-111111111111', roles: ['manager'] } as unknown as Actor;
const shiftId = '44444444-4444-4444-8444-444444444444';
/** An event of transaction `xact` (1000 unless said: most events here were written by one, in id order). */
const row = (id: number, xact = 1000) => ({
  id: String(id),
  xact: String(xact),
  type: 'rota.shift.created',
  aggregateType: 'shift',
  aggregateId: shiftId,
  occurredAt: new Date('2026-11-21T10:00:00Z'),
  payload: { shiftId },
});
const event = (id: number, xact = 1000): StreamEvent => ({ ...row(id, xact), occurredAt: '2026-11-21T10:00:00.000Z' });
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The outbox as the stream's resume reads it: the events ready after Last-Event-ID (of transaction 1000) and the newest
 * one ready. `during` runs while a read is under way (before it answers): the instance's poller fanning out what it has
 * just read, as it may at any moment while a stream resumes.
 */
function outbox(rows: number[], newest: number, during: { replay?: () => Promise<void>; newest?: () => Promise<void> } = {}) {
  return {
    query: async (sql: string) => {
      if (sql.includes('DESC')) {
        await during.newest?.();
        return [{ id: String(newest), xact: '1000' }];
      }
      await during.replay?.();
      return rows.length ? rows.map((id) => ({ fromXact: '1000', ...row(id) })) : [{ fromXact: '1000', id: null }];
    },
  };
}

describe('a resumed stream gets each event once: what a replay or a reset gave it is not written again', () => {
  let s: StreamService;
  const service = (dataSource: object) =>
    new StreamService(
      'postgres://unused',
      dataSource as never,
      // Db.prepared: the same statements, as the fake database answers them.
      {
        prepared: (_name: string, sql: string, params: unknown[]) =>
          (dataSource as { query(sql: string, params?: unknown[]): unknown }).query(sql, params),
      } as never,
      {} as never,
      { eventsMaxStreamsPerUser: 5 } as never,
      {} as never,
      {} as never,
      {} as never,
      { onForget: () => undefined } as never,
      { now: () => new Date('2026-11-21T10:00:00Z') },
    );
  /** The instance's poller reaching an event (in the outbox's commit order: by transaction, then id). */
  const poll = async (id: number, xact = 1000) => {
    await (s as unknown as { fanOut(e: StreamEvent): Promise<void> }).fanOut(event(id, xact));
    await new Promise((r) => setImmediate(r));
  };
  /** The frames written, by id, in order: `reset@605` for a reset. */
  const written = (out: FakeResponse) =>
    out.frames
      .filter((f) => f.startsWith('id: '))
      .map((f) => {
        const [idLine, eventLine] = f.split('\n');
        const id = idLine.slice(4);
        return eventLine === 'event: reset' ? `reset@${id}` : id;
      });

  it('after a reset, nothing up to the reset is written again, whether the poller reached it during the resume or after; later events once each', async () => {
    // More than REPLAY_LIMIT missed after 100: 101..601 read, and 605 is the newest by the time the reset is written.
    const missed = ids(101, 101 + REPLAY_LIMIT);
    s = service(
      outbox(missed, 605, {
        replay: () => poll(590), // held while the resume is written
        newest: () => poll(604),
      }),
    );
    const out = new FakeResponse();
    await s.open(manager, out as unknown as ServerResponse, { types: [], lastEventId: '100' });
    // The poller then reaches the rest and goes on past the reset; then 598, whose transaction (2000) took its id
    // before 599..608 were written but committed after them: its place is after them, so it is written, once.
    for (const id of ids(600, 603)) await poll(id);
    for (const id of ids(604, 608)) await poll(id);
    await poll(598, 2000);

    expect(written(out)).toEqual(['reset@605', '606', '607', '608', '598']);
  });

  it('after a replay, what it held is not written again when the poller reaches it; an event with a lower id that committed later is written in its place, once', async () => {
    s = service(outbox([101, 102, 103], 103, { replay: () => poll(102) }));
    const out = new FakeResponse();
    await s.open(manager, out as unknown as ServerResponse, { types: [], lastEventId: '100' });
    await poll(103);
    await poll(99, 2000); // its id taken before the client's 100, its transaction committed after 103
    await poll(104, 2000);
    await poll(105, 2001);

    expect(written(out)).toEqual(['101', '102', '103', '99', '104', '105']);
  });

  it('a client resuming on an instance whose fan-out is behind the one it came from is not written again what it had', async () => {
    s = service(outbox([], 110));
    const out = new FakeResponse();
    await s.open(manager, out as unknown as ServerResponse, { types: [], lastEventId: '110' });
    for (const id of ids(105, 112)) await poll(id);

    expect(written(out)).toEqual(['111', '112']);
  });
});
