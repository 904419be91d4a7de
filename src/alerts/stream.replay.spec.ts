import type { ServerResponse } from 'node:http';
import type { Actor } from '../auth/actor';
import { REPLAY_LIMIT, StreamService } from './stream.service';
import type { StreamEvent } from './stream.visibility';
import { FakeStreamResponse as FakeResponse } from '../../test/support/fake-stream-response';

const manager = { userId: '11111111-1111-4111-8111-111111111111', roles: ['manager'] } as unknown as Actor;
const shiftId = '44444444-4444-4444-8444-444444444444';
const row = (id: number) => ({
  id: String(id),
  type: 'rota.shift.created',
  aggregateType: 'shift',
  aggregateId: shiftId,
  occurredAt: new Date('2026-11-21T10:00:00Z'),
  payload: { shiftId },
});
const event = (id: number): StreamEvent => ({ ...row(id), occurredAt: '2026-11-21T10:00:00.000Z' });
const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * The outbox as the stream's resume reads it: the rows after Last-Event-ID and the newest id. `during` runs while a
 * read is under way (before it answers): the instance's poller fanning out what it has just read, as it may at any
 * moment while a stream resumes.
 */
function outbox(rows: number[], newest: number, during: { replay?: () => Promise<void>; newest?: () => Promise<void> } = {}) {
  return {
    query: async (sql: string) => {
      if (sql.includes('max(id)')) {
        await during.newest?.();
        return [{ id: String(newest) }];
      }
      await during.replay?.();
      return rows.map(row);
    },
  };
}

describe('a resumed stream gets each event once: what a replay or a reset gave it is not written again', () => {
  let s: StreamService;
  const service = (dataSource: object) =>
    new StreamService(
      'postgres://unused',
      dataSource as never,
      {} as never,
      { eventsMaxStreamsPerUser: 5 } as never,
      {} as never,
      {} as never,
      {} as never,
      { onForget: () => undefined } as never,
      { now: () => new Date('2026-11-21T10:00:00Z') },
    );
  /** The instance's poller reaching an event (late: its transaction committed after later ones were read). */
  const poll = async (id: number, late = false) => {
    await (s as unknown as { fanOut(e: StreamEvent, late: boolean): Promise<void> }).fanOut(event(id), late);
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
    // The poller then reaches the rest, among them a late commit below the reset (the client reloads on the reset, so
    // that is covered too), and goes on past it.
    for (const id of ids(600, 603)) await poll(id);
    await poll(598, true);
    for (const id of ids(604, 608)) await poll(id);

    expect(written(out)).toEqual(['reset@605', '606', '607', '608']);
  });

  it('after a replay, what it held is not written again when the poller reaches it; what it did not hold (a late commit) is, once', async () => {
    s = service(outbox([101, 102, 103], 103, { replay: () => poll(102) }));
    const out = new FakeResponse();
    await s.open(manager, out as unknown as ServerResponse, { types: [], lastEventId: '100' });
    await poll(103);
    await poll(99, true); // committed late, below where the client resumed: the replay could not hold it
    await poll(104);
    await poll(105);

    expect(written(out)).toEqual(['101', '102', '103', '99', '104', '105']);
  });
});
