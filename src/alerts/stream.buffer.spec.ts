import type { ServerResponse } from 'node:http';
import type { Actor } from '../auth/actor';
import { MAX_BUFFERED_BYTES, StreamService } from './stream.service';
import type { StreamEvent } from './stream.visibility';
import { FakeStreamResponse as FakeResponse } from '../../test/support/fake-stream-response';

const amhp = (userId: string): Actor => ({ userId, roles: ['amhp'] }) as unknown as Actor;
const shiftCreated = (id: string): StreamEvent => ({
  id,
  xact: '1000',
  type: 'rota.shift.created',
  aggregateType: 'shift',
  aggregateId: '44444444-4444-4444-8444-444444444444',
  occurredAt: '2026-11-21T10:00:00.000Z',
  payload: { shiftId: '44444444-4444-4444-8444-444444444444' },
});

describe('live event streams: what an instance keeps for a client', () => {
  const service = () =>
    new StreamService(
      'postgres://unused',
      {} as never,
      {} as never,
      {} as never,
      { eventsMaxStreamsPerUser: 5 } as never,
      {} as never,
      {} as never,
      {} as never,
      { onForget: () => undefined } as never,
      { now: () => new Date('2026-11-21T10:00:00Z') },
    );
  const fanOut = async (s: StreamService, e: StreamEvent) => {
    await (s as unknown as { fanOut(e: StreamEvent): Promise<void> }).fanOut(e);
    await new Promise((r) => setImmediate(r));
  };

  it('drops a stream whose client stopped reading once a megabyte waits for it, and keeps sending to the others', async () => {
    const s = service();
    const reading = new FakeResponse();
    const asleep = new FakeResponse();
    await s.open(amhp('11111111-1111-4111-8111-111111111111'), reading as unknown as ServerResponse, { types: [] });
    await s.open(amhp('22222222-2222-4222-8222-222222222222'), asleep as unknown as ServerResponse, { types: [] });
    expect(s.connectedClients).toBe(2);

    await fanOut(s, shiftCreated('1'));
    expect(asleep.frames.filter((f) => f.startsWith('id: 1'))).toHaveLength(1);

    asleep.writableLength = MAX_BUFFERED_BYTES; // up to the limit: still kept
    await fanOut(s, shiftCreated('2'));
    expect(asleep.destroyed).toBe(false);
    asleep.writableLength = MAX_BUFFERED_BYTES + 1;
    await fanOut(s, shiftCreated('3'));
    expect(asleep.destroyed).toBe(true);
    expect(asleep.frames.some((f) => f.startsWith('id: 3'))).toBe(false);
    expect(s.connectedClients).toBe(1);

    await fanOut(s, shiftCreated('4'));
    expect(reading.frames.filter((f) => f.startsWith('id: ')).map((f) => f.split('\n')[0])).toEqual(['id: 1', 'id: 2', 'id: 3', 'id: 4']);
    expect(reading.destroyed).toBe(false);
  });
});
