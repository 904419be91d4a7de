import { createTestApp, TestApp, TestUser } from './support/test-app';
import { amhp } from './support/workforce-fixtures';

/**
 * OOH-04 / OOH-05 over HTTP (MCA 2005 Sch A1 paras 78(2), 84-85): the days of a DoLS urgent authorisation and its
 * extension are 24-hour spans from the grant by default; the convention is unconfirmed, so a setting
 * (DOLS_DAY_COUNTING), and with `local-days` they are local calendar days, the day it was given being day 1, to the
 * end (local midnight) of the last, across the clocks going forward on Sun 29 Mar 2026. It is Fri 27 Mar 2026 12:00 GMT.
 */
describe.each<[string, string | undefined, string, string]>([
  // [setting as named, setting, urgent authorisation ends, extended ends]
  [
    'unset (the default: 24-hour days, Thu 2 Apr, then Thu 9 Apr, 11:00 BST)',
    undefined,
    '2026-04-02T10:00:00.000Z',
    '2026-04-09T10:00:00.000Z',
  ],
  ['local-days (to the end of Wed 1 Apr, then of Wed 8 Apr, BST)', 'local-days', '2026-04-01T23:00:00.000Z', '2026-04-08T23:00:00.000Z'],
  ['elapsed-hours (Thu 2 Apr, then Thu 9 Apr, 11:00 BST)', 'elapsed-hours', '2026-04-02T10:00:00.000Z', '2026-04-09T10:00:00.000Z'],
])(
  'DOLS_DAY_COUNTING %s: the clocks of a DoLS urgent authorisation given Thu 26 Mar 2026 10:00 GMT for 7 days',
  (_named, setting, uaEnds, extendedEnds) => {
    let t: TestApp;
    let worker: TestUser;
    let personId: string;
    beforeAll(async () => {
      t = await createTestApp({ now: '2026-03-27T12:00:00Z', env: setting ? { DOLS_DAY_COUNTING: setting } : {} });
      worker = await amhp(t);
      const manager = await t.user(['manager']);
      personId = (
        await t.http
          .post('/people')
          .set('authorization', manager.auth)
          .send({ givenName: 'Iris', familyName: 'Oakfield', dateOfBirth: '1937-06-06' })
          .expect(201)
      ).body.id;
      await t.sql(
        `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, 'duty', 'test', 'x', '2026-03-01T00:00:00Z')`,
        [worker.id, personId],
      );
    });
    afterAll(() => t.close());

    const ua = {
      managingAuthority: 'Oak House care home',
      grantedAt: '2026-03-26T10:00:00Z',
      days: 7,
      standardRequestedAt: '2026-03-26T09:00:00Z',
    };
    const record = (type: string, details: object) =>
      t.http
        .post('/decisions')
        .set('authorization', worker.auth)
        .send({ type, occurredAt: '2026-03-27T11:30:00Z', personId, content: { legalFrameworks: ['dols'] }, details })
        .expect(201);

    it('the urgent authorisation, and its extension by 7 days, end as the setting counts days', async () => {
      const given = (await record('dols-urgent-authorisation', ua)).body;
      expect(given.dolsClocks.map((c: { id: string; deadline: string }) => [c.id, c.deadline])).toEqual([['dols-urgent', uaEnds]]);
      const extended = (
        await record('dols-extension', {
          ...ua,
          extension: {
            requestedAt: '2026-03-27T11:00:00Z',
            decidedAt: '2026-03-27T11:30:00Z',
            days: 7,
            exceptionalReasons: 'The best interests assessor is off sick; the assessment is booked for Tuesday.',
            essentialToContinue: true,
            decision: 'extended',
          },
        })
      ).body;
      expect(extended.dolsClocks.map((c: { id: string; deadline: string }) => [c.id, c.deadline])).toEqual([
        ['dols-urgent', uaEnds],
        ['dols-extended', extendedEnds],
      ]);
    });
  },
);
