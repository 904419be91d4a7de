import { join } from 'node:path';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  retry?: number;
}
interface LiveEvent {
  type: string;
  aggregateType: string;
  aggregateId: string;
  payload: Record<string, unknown>;
}
interface KeptPack {
  jobs: Array<{ referral: { id: string }; person: { id: string } }>;
  assisting?: Array<{ assessment: { referralId: string } }>;
  ctoRequests?: Array<{ request: { id: string } }>;
}
/** The duty app's live stream's pure parts (browser ES modules, app/js/stream.js and app/js/live.js), run here. */
interface AppStream {
  readFrames(text: string): { frames: Frame[]; rest: string };
  RETRY_CAP_MS: number;
  retryDelay(failures: number, baseMs: number, random: number, floorMs?: number): number;
}
interface AppConcerns {
  nowConcerns(events: LiveEvent[], userId: string, held: Array<{ id?: string; referralId?: string }>): string[];
  inboxConcerns(events: LiveEvent[], userId: string, manager: boolean): string[];
  jobConcerns(events: LiveEvent[], referralId: string, personId: string | null, userId: string): string[];
  hubConcerns(events: LiveEvent[], names: Record<string, string>): string[];
  referralsConcerns(events: LiveEvent[], referralId?: string | null): string[];
  packConcerns(events: LiveEvent[], pack: KeptPack, userId: string): boolean;
  rotaChangesAt(
    duty: { at: string; onDuty: Array<{ endsAt: string }>; next: Array<{ startsAt: string }> } | null,
    gaps?: Array<{ startsAt: string; endsAt: string }>,
  ): number | null;
}
const app = (file: string): unknown => require(join(__dirname, '..', '..', 'app', 'js', file)); // eslint-disable-line @typescript-eslint/no-require-imports
const stream = app('stream.js') as AppStream;
const concerns = app('live.js') as AppConcerns;

const ME = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const JOB = '33333333-3333-4333-8333-333333333333';
const ELSEWHERE = '44444444-4444-4444-8444-444444444444';
const PERSON = '55555555-5555-4555-8555-555555555555';
const referralEvent = (type: string, id: string, payload: Record<string, unknown> = {}): LiveEvent => ({
  type,
  aggregateType: 'referral',
  aggregateId: id,
  payload: { referralId: id, ...payload },
});
const assessmentEvent = (type: string, referralId: string, payload: Record<string, unknown> = {}): LiveEvent => ({
  type,
  aggregateType: 'assessment',
  aggregateId: '66666666-6666-4666-8666-666666666666',
  payload: { referralId, ...payload },
});
const notificationEvent = (type: string, userId: string, subjectId: string | null): LiveEvent => ({
  type,
  aggregateType: 'notification',
  aggregateId: '77777777-7777-4777-8777-777777777777',
  payload: { userId, subjectType: subjectId ? 'referral' : null, subjectId },
});
const pageEvent = (userId: string): LiveEvent => ({
  type: 'page.acknowledged',
  aggregateType: 'page',
  aggregateId: '88888888-8888-4888-8888-888888888888',
  payload: { userId, referralId: JOB },
});
const rotaEvent: LiveEvent = { type: 'rota.assignment.created', aggregateType: 'shift-assignment', aggregateId: JOB, payload: {} };

describe('the app reads the live stream’s frames as they arrive, in pieces', () => {
  it.each<[string, string, Frame[], string]>([
    ['the reconnection time the service sends first', 'retry: 3000\n\n', [{ retry: 3000 }], ''],
    [
      'an event: its id, type and data',
      'id: 42\nevent: referral.offered\ndata: {"id":"42"}\n\n',
      [{ id: '42', event: 'referral.offered', data: '{"id":"42"}' }],
      '',
    ],
    ['a keep-alive comment: an empty frame (the link is alive)', ': keep-alive\n\n', [{}], ''],
    ['a frame cut short: kept for the next piece', 'id: 43\nevent: page.ack', [], 'id: 43\nevent: page.ack'],
    [
      'two frames and the start of a third',
      'id: 1\nevent: a\ndata: x\n\nid: 2\nevent: b\ndata: y\n\nid: 3',
      [
        { id: '1', event: 'a', data: 'x' },
        { id: '2', event: 'b', data: 'y' },
      ],
      'id: 3',
    ],
    ['lines ended CRLF', 'id: 5\r\nevent: a\r\ndata: x\r\n\r\n', [{ id: '5', event: 'a', data: 'x' }], ''],
    ['data on two lines joined by a newline', 'event: a\ndata: one\ndata: two\n\n', [{ event: 'a', data: 'one\ntwo' }], ''],
    ['a field without a space after its colon', 'event:a\ndata:x\n\n', [{ event: 'a', data: 'x' }], ''],
    ['a retry that is not a number is ignored', 'retry: soon\n\n', [{}], ''],
  ])('%s', (_case, text, frames, rest) => {
    expect(stream.readFrames(text)).toEqual({ frames, rest });
  });

  it('a frame split anywhere is read the same once its end arrives', () => {
    const whole = 'id: 9\nevent: notification.closed\ndata: {"a":1}\n\n';
    for (let cut = 1; cut < whole.length; cut++) {
      const first = stream.readFrames(whole.slice(0, cut));
      const second = stream.readFrames(first.rest + whole.slice(cut));
      expect([...first.frames, ...second.frames]).toEqual([{ id: '9', event: 'notification.closed', data: '{"a":1}' }]);
    }
  });
});

describe('a stream that did not hold is opened again after a wait that doubles, at most a minute', () => {
  it.each([
    ['the first try after a stream that held: the service’s retry, from half of it', 0, 3_000, 0, 0, 1_500],
    ['…to all of it', 0, 3_000, 1, 0, 3_000],
    ['the second: doubled', 1, 3_000, 1, 0, 6_000],
    ['the fifth: 16 times', 4, 3_000, 1, 0, 48_000],
    ['many: a minute at most', 40, 3_000, 1, 0, 60_000],
    ['many, spread: half a minute at least', 40, 3_000, 0, 0, 30_000],
    ['asked to wait longer (429 Retry-After): that long', 0, 3_000, 1, 15_000, 15_000],
    ['a negative count is the first', -1, 3_000, 1, 0, 3_000],
  ])('%s', (_case, failures, base, random, floor, expected) => {
    expect(stream.retryDelay(failures, base, random, floor)).toBe(expected);
  });

  it('never more than the cap however the spread falls', () => {
    for (let f = 0; f < 30; f++)
      for (const r of [0, 0.3, 0.99, 1]) expect(stream.retryDelay(f, 3_000, r)).toBeLessThanOrEqual(stream.RETRY_CAP_MS);
  });
});

describe('each screen reads again just what an event is about', () => {
  const held = [{ id: JOB }];
  it.each<[string, LiveEvent[], string[]]>([
    ['an offer to her: her offers', [referralEvent('referral.offered', ELSEWHERE, { userId: ME })], ['offers']],
    ['told of an offer (her notification raised): her offers', [notificationEvent('notification.created', ME, ELSEWHERE)], ['offers']],
    [
      'a job allocated to her: her offers and her jobs',
      [referralEvent('referral.allocated', ELSEWHERE, { userId: ME })],
      ['offers', 'jobs'],
    ],
    [
      'her notification closed (an offer taken by another): her offers and jobs',
      [notificationEvent('notification.closed', ME, ELSEWHERE)],
      ['offers', 'jobs'],
    ],
    ['a step on her job: her jobs', [assessmentEvent('assessment.event', JOB)], ['jobs', 'offers']],
    [
      'an offer to a colleague of a referral not on her screen: nothing',
      [referralEvent('referral.offered', ELSEWHERE, { userId: OTHER })],
      [],
    ],
    ['a step on a job not hers: nothing', [assessmentEvent('assessment.event', ELSEWHERE)], []],
    [
      'named on an assessment as a co-AMHP: her jobs',
      [assessmentEvent('assessment.update', ELSEWHERE, { fields: ['otherAmhpUserIds'] })],
      ['jobs'],
    ],
    ['the rota: who is on duty', [rotaEvent], ['duty']],
    [
      'a CTO extension request allocated to her: her requests for a statement',
      [{ type: 'cto-extension.allocated', aggregateType: 'cto-extension', aggregateId: ELSEWHERE, payload: { userId: ME } }],
      ['cto'],
    ],
    [
      'a statement made on one: her requests for a statement',
      [{ type: 'cto-extension.decided', aggregateType: 'cto-extension', aggregateId: ELSEWHERE, payload: { userId: OTHER } }],
      ['cto'],
    ],
    ['a page of hers: nothing on Now', [pageEvent(ME)], []],
    [
      'a burst: each part once',
      [referralEvent('referral.offered', ELSEWHERE, { userId: ME }), referralEvent('referral.offered', JOB, { userId: ME }), rotaEvent],
      ['offers', 'duty'],
    ],
  ])('Now: %s', (_case, events, parts) => {
    expect(concerns.nowConcerns(events, ME, held)).toEqual(parts);
  });

  it.each<[string, LiveEvent[], boolean, string[]]>([
    ['a notification raised for her', [notificationEvent('notification.created', ME, JOB)], false, ['inbox']],
    ['a notification of hers closed', [notificationEvent('notification.closed', ME, JOB)], false, ['inbox']],
    ['a page of hers acknowledged', [pageEvent(ME)], false, ['inbox']],
    ['a colleague’s notification: nothing', [notificationEvent('notification.created', OTHER, JOB)], false, []],
    ['a colleague’s page: nothing for an AMHP', [pageEvent(OTHER)], false, []],
    ['a colleague’s page: the hub’s pages, for a manager', [pageEvent(OTHER)], true, ['inbox']],
    ['a step on a job: nothing', [assessmentEvent('assessment.event', JOB)], true, []],
  ])('Notifications: %s', (_case, events, manager, parts) => {
    expect(concerns.inboxConcerns(events, ME, manager)).toEqual(parts);
  });

  it.each<[string, LiveEvent[], string[]]>([
    ['its referral moved', [referralEvent('referral.closed', JOB)], ['referral']],
    ['a step recorded on its assessment', [assessmentEvent('assessment.event', JOB)], ['assessment']],
    ['her notification about it closed (reallocated away)', [notificationEvent('notification.closed', ME, JOB)], ['referral']],
    [
      'a relative of its person recorded',
      [{ type: 'relative.recorded', aggregateType: 'person', aggregateId: PERSON, payload: { personId: PERSON } }],
      ['person'],
    ],
    ['another referral: nothing', [referralEvent('referral.closed', ELSEWHERE), assessmentEvent('assessment.event', ELSEWHERE)], []],
    ['a colleague’s notification about it: nothing', [notificationEvent('notification.closed', OTHER, JOB)], []],
  ])('the job: %s', (_case, events, parts) => {
    expect(concerns.jobConcerns(events, JOB, PERSON, ME)).toEqual(parts);
  });

  const ATTENDED = '88888888-8888-4888-8888-888888888888';
  const CTO = '99999999-9999-4999-8999-999999999999';
  const pack: KeptPack = {
    jobs: [{ referral: { id: JOB }, person: { id: PERSON } }],
    assisting: [{ assessment: { referralId: ATTENDED } }],
    ctoRequests: [{ request: { id: CTO } }],
  };
  const ctoEvent = (type: string, id: string, payload: Record<string, unknown>): LiveEvent => ({
    type,
    aggregateType: 'cto-extension',
    aggregateId: id,
    payload: { ctoExtensionId: id, personId: PERSON, ...payload },
  });
  it.each<[string, LiveEvent[], boolean]>([
    ['a step someone else recorded on her job', [assessmentEvent('assessment.event', JOB)], true],
    ['her job’s referral moved (a clock stopped, withdrawn)', [referralEvent('referral.clock-stopped', JOB)], true],
    ['a step on an assessment she attends as a co-AMHP', [assessmentEvent('assessment.event', ATTENDED)], true],
    ['a job allocated to her', [referralEvent('referral.allocated', ELSEWHERE, { userId: ME })], true],
    [
      'made a co-AMHP of an assessment',
      [{ ...assessmentEvent('assessment.update', ELSEWHERE), payload: { fields: ['otherAmhpUserIds'] } }],
      true,
    ],
    [
      'a relative of her job’s person recorded',
      [{ type: 'relative.recorded', aggregateType: 'person', aggregateId: PERSON, payload: { personId: PERSON } }],
      true,
    ],
    [
      'another referral’s step, or one allocated to a colleague',
      [assessmentEvent('assessment.event', ELSEWHERE), referralEvent('referral.allocated', ELSEWHERE, { userId: OTHER })],
      false,
    ],
    ['her notifications and pages: nothing the pack holds', [notificationEvent('notification.created', ME, JOB), pageEvent(ME)], false],
    ['a request for her CTO extension statement allocated to her', [ctoEvent('cto-extension.allocated', ELSEWHERE, { userId: ME })], true],
    ['a request it holds taken to a colleague', [ctoEvent('cto-extension.allocated', CTO, { userId: OTHER })], true],
    [
      'a request it holds withdrawn',
      [ctoEvent('cto-extension.withdrawn', CTO, { userId: OTHER, allocatedUserId: ME, reason: 'not-extending' })],
      true,
    ],
    ['a request allocated to a colleague, not hers before', [ctoEvent('cto-extension.allocated', ELSEWHERE, { userId: OTHER })], false],
  ])('the job pack is read again for %s: %s', (_case, events, again) => {
    expect(concerns.packConcerns(events, pack, ME)).toBe(again);
  });

  it.each<[string, LiveEvent[], string[]]>([
    ['a referral received: the queue', [referralEvent('referral.received', JOB)], ['queue']],
    ['an offer to an AMHP whose name was read: the queue', [referralEvent('referral.offered', JOB, { userId: ME })], ['queue']],
    [
      'an offer to an AMHP whose name was not read: the queue and the names',
      [referralEvent('referral.offered', JOB, { userId: OTHER })],
      ['queue', 'names'],
    ],
    ['the rota: who is on duty and the gaps', [rotaEvent], ['rota']],
    [
      'a step on an assessment, a notification, a page: nothing',
      [assessmentEvent('assessment.event', JOB), notificationEvent('notification.created', ME, JOB), pageEvent(ME)],
      [],
    ],
    [
      'a burst: each part once',
      [referralEvent('referral.received', JOB), referralEvent('referral.accepted', ELSEWHERE), rotaEvent],
      ['queue', 'rota'],
    ],
  ])('the Hub: %s', (_case, events, parts) => {
    expect(concerns.hubConcerns(events, { [ME]: 'Amara' })).toEqual(parts);
  });

  it.each<[string, LiveEvent[], string | null, string[]]>([
    [
      'My referrals: one of hers moved on',
      [{ ...referralEvent('referral.screening', JOB), payload: { referralId: JOB, to: 'screening' } }],
      null,
      ['referrals'],
    ],
    ['My referrals: a new one of hers received', [referralEvent('referral.received', ELSEWHERE)], null, ['referrals']],
    ['My referrals: not a referral’s event', [rotaEvent, notificationEvent('notification.created', ME, JOB)], null, []],
    ['one referral: its own event', [referralEvent('referral.allocated', JOB)], JOB, ['referrals']],
    ['one referral: another’s event', [referralEvent('referral.allocated', ELSEWHERE)], JOB, []],
  ])('%s', (_case, events, referralId, parts) => {
    expect(concerns.referralsConcerns(events, referralId)).toEqual(parts);
  });
});

describe('Now and the Hub read their rota again when it changes with the time alone (rotaChangesAt)', () => {
  const duty = (onDuty: string[], next: string[]) => ({
    at: '2026-11-21T10:00:00Z',
    onDuty: onDuty.map((endsAt) => ({ endsAt })),
    next: next.map((startsAt) => ({ startsAt })),
  });
  const gap = (startsAt: string, endsAt: string) => ({ startsAt, endsAt });
  it.each<[string, ReturnType<typeof duty> | null, Array<{ startsAt: string; endsAt: string }>, string | null]>([
    ['nothing read yet: no read', null, [], null],
    ['nobody on duty, nothing to come: no read', duty([], []), [], null],
    [
      'a shift on duty ends before the next starts: when it ends',
      duty(['2026-11-21T17:00:00Z'], ['2026-11-21T18:00:00Z']),
      [],
      '2026-11-21T17:00:00Z',
    ],
    ['the next shift starts first: when it starts', duty(['2026-11-21T17:00:00Z'], ['2026-11-21T12:00:00Z']), [], '2026-11-21T12:00:00Z'],
    [
      'a gap listed ends before any shift changes: when it ends',
      duty(['2026-11-21T17:00:00Z'], []),
      [gap('2026-11-21T09:00:00Z', '2026-11-21T10:30:00Z')],
      '2026-11-21T10:30:00Z',
    ],
    [
      'a gap listed starts later: when it starts (one under way, begun before the read, is not a change to come)',
      duty([], []),
      [gap('2026-11-21T09:00:00Z', '2026-11-21T20:00:00Z'), gap('2026-11-21T11:00:00Z', '2026-11-21T12:00:00Z')],
      '2026-11-21T11:00:00Z',
    ],
  ])('%s', (_case, d, gaps, at) => {
    expect(concerns.rotaChangesAt(d, gaps)).toBe(at === null ? null : Date.parse(at));
  });
});
