import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Actor } from '../src/auth/actor';
import { PersonMatchOneMatchPerRecord1796650000000 } from '../migrations/1796650000000-PersonMatchOneMatchPerRecord';
import { Db } from '../src/database/db';
import { PeopleService } from '../src/people/people.service';
import { statementsSent } from './support/statements';
import { createTestApp, TestApp, TestUser } from './support/test-app';
import { amhp as approvedAmhp } from './support/workforce-fixtures';

/** A fresh valid NHS number (modulus 11, weights 10..2), computed here independently of the code under test. */
function nhsNumber(): string {
  for (;;) {
    const nine = String(100000000 + (randomBytes(4).readUInt32BE() % 900000000));
    const sum = [...nine].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
    const check = 11 - (sum % 11);
    if (check === 10) continue;
    return nine + String(check === 11 ? 0 : check);
  }
}

/** A family name no other test uses, so searches see only this test's people. */
const surname = (base: string) => `${base}-${randomBytes(3).toString('hex')}`;

describe('people: recording, reading and finding the subjects of referrals (audited, scoped by relationship)', () => {
  let t: TestApp;
  let manager: TestUser;
  let referrer: TestUser;
  /** Every identifying value this file stores, checked against the audit log at the end. */
  const identifying: string[] = [];

  beforeAll(async () => {
    // Saturday 21 Nov 2026, 10:00 London.
    t = await createTestApp({ now: '2026-11-21T10:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400', BREAK_GLASS_TTL_MINUTES: '30' } });
    manager = await t.user(['manager']);
    referrer = await t.user(['referrer']);
  });
  afterAll(() => t.close());

  const as = (u: TestUser) => ({
    get: (path: string) => t.http.get(path).set('authorization', u.auth),
    post: (path: string, body: object = {}) => t.http.post(path).set('authorization', u.auth).send(body),
    patch: (path: string, body: object, ifMatch?: string) => {
      const req = t.http.patch(path).set('authorization', u.auth);
      if (ifMatch) req.set('if-match', ifMatch);
      return req.send(body);
    },
  });

  const grant = (userId: string, personId: string, kind: 'allocated' | 'duty' | 'referrer') =>
    t.sql(
      `INSERT INTO access_relationships (user_id, person_id, kind, source_type, source_id, valid_from) VALUES ($1, $2, $3, 'test', 'x', '2026-11-01T00:00:00Z')`,
      [userId, personId, kind],
    );

  async function person(
    over: Record<string, unknown> = {},
    by: TestUser = manager,
  ): Promise<{ id: string; nhsNumber: string; givenName: string; familyName: string; dateOfBirth: string; version: number }> {
    const body = { nhsNumber: nhsNumber(), givenName: 'Samuela', familyName: surname('Okafor'), dateOfBirth: '1984-03-12', ...over };
    identifying.push(
      ...[body.nhsNumber, body.givenName, body.familyName, body.dateOfBirth].filter((v): v is string => typeof v === 'string'),
    );
    return (await as(by).post('/people', body).expect(201)).body;
  }

  const countByFamilyName = async (familyName: string) =>
    (await t.sql('SELECT 1 FROM persons WHERE family_name = $1', [familyName])).length;

  describe('recording a person', () => {
    it('records a person with a valid NHS number (spaces stripped, postcode normalised), with ETag and Location, and audits the creation by field names', async () => {
      const nhs = nhsNumber();
      const familyName = surname('Nowak');
      identifying.push(nhs, familyName, 'Olamide', '1990-07-01');
      const res = await as(manager)
        .post('/people', {
          nhsNumber: `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}`,
          givenName: ' Olamide ',
          familyName,
          dateOfBirth: '1990-07-01',
          sex: 'female',
          ethnicCategory: 'C',
          preferredLanguage: 'Polish',
          interpreterNeeded: true,
          postcode: 'sw1a1aa',
        })
        .expect(201);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers.location).toBe(`/people/${res.body.id}`);
      expect(res.body).toMatchObject({
        nhsNumber: nhs,
        givenName: 'Olamide',
        familyName,
        dateOfBirth: '1990-07-01',
        sex: 'female',
        ethnicCategory: 'C',
        interpreterNeeded: true,
        postcode: 'SW1A 1AA',
        gender: null,
        version: 1,
      });
      const [stored] = await t.sql(`SELECT nhs_number, created_by FROM persons WHERE id = $1`, [res.body.id]);
      expect(stored).toEqual({ nhs_number: nhs, created_by: manager.id });
      const audit = await t.sql<{ actor_id: string; details: { fields: string[] } }>(
        `SELECT actor_id, details FROM audit_events WHERE action = 'person.create' AND subject_person_id = $1`,
        [res.body.id],
      );
      expect(audit).toEqual([
        {
          actor_id: manager.id,
          details: {
            fields: [
              'nhsNumber',
              'givenName',
              'familyName',
              'dateOfBirth',
              'sex',
              'ethnicCategory',
              'preferredLanguage',
              'interpreterNeeded',
              'postcode',
            ],
          },
        },
      ]);
    });

    it('records a person without an NHS number, and a second one with the same name and date of birth (only NHS numbers are unique)', async () => {
      const familyName = surname('Smith');
      await person({ nhsNumber: undefined, familyName });
      await person({ nhsNumber: undefined, familyName });
      expect(await countByFamilyName(familyName)).toBe(2);
    });

    it('refuses an NHS number with a wrong check digit with 400 naming nhsNumber, and stores nothing', async () => {
      const valid = nhsNumber();
      const wrong = valid.slice(0, 9) + String((Number(valid[9]) + 1) % 10);
      const familyName = surname('Check');
      const res = await as(manager).post('/people', { nhsNumber: wrong, givenName: 'Kim', familyName }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'nhsNumber', messages: [expect.stringMatching(/check digit/)] }]);
      expect(JSON.stringify(res.body)).not.toContain(wrong);
      expect(await countByFamilyName(familyName)).toBe(0);
    });

    it.each([
      [{ ethnicCategory: 'T' }, 'ethnicCategory'],
      [{ ethnicCategory: 'I' }, 'ethnicCategory'],
      [{ ethnicCategory: 'a' }, 'ethnicCategory'],
      [{ nhsNumber: '123456789' }, 'nhsNumber'],
      [{ nhsNumber: '943-476-591X' }, 'nhsNumber'],
      [{ sex: 'unknown' }, 'sex'],
      [{ postcode: 'NOT A CODE' }, 'postcode'],
      [{ dateOfBirth: '12/03/1984' }, 'dateOfBirth'],
      [{ givenName: '' }, 'givenName'],
      [{ interpreterNeeded: null }, 'interpreterNeeded'],
      [{ createdBy: '00000000-0000-4000-8000-000000000000' }, 'createdBy'],
      [{ version: 7 }, 'version'],
    ])('refuses %j with 400 naming %s, and stores nothing', async (over, field) => {
      const familyName = surname('Bad');
      const res = await as(manager)
        .post('/people', { givenName: 'Kim', familyName, ...over })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      expect(await countByFamilyName(familyName)).toBe(0);
    });

    it('records ethnic category 99 (not known) beside Z (not stated), as MHSDS takes it, and a manager can change one to the other', async () => {
      const notKnown = await person({ ethnicCategory: '99' });
      const [stored] = await t.sql(`SELECT ethnic_category FROM persons WHERE id = $1`, [notKnown.id]);
      expect(stored).toEqual({ ethnic_category: '99' });
      expect((await as(manager).get(`/people/${notKnown.id}`).expect(200)).body.ethnicCategory).toBe('99');
      const changed = await as(manager).patch(`/people/${notKnown.id}`, { ethnicCategory: 'Z' }, '"v1"').expect(200);
      expect(changed.body.ethnicCategory).toBe('Z');
      const back = await as(manager).patch(`/people/${notKnown.id}`, { ethnicCategory: '99' }, '"v2"').expect(200);
      expect(back.body.ethnicCategory).toBe('99');
    });

    it.each(['9', '98', '099', 99, 'NK'])(
      'refuses ethnic category %j with 400 naming ethnicCategory and its codes, on create and on change',
      async (code) => {
        const familyName = surname('Ethnic');
        const res = await as(manager).post('/people', { givenName: 'Kim', familyName, ethnicCategory: code }).expect(400);
        expect(res.body.errors).toEqual([{ field: 'ethnicCategory', messages: [expect.stringMatching(/A-S, Z or 99/)] }]);
        expect(await countByFamilyName(familyName)).toBe(0);
        const p = await person();
        const change = await as(manager).patch(`/people/${p.id}`, { ethnicCategory: code }, '"v1"').expect(400);
        expect(change.body.errors.map((e: { field: string }) => e.field)).toEqual(['ethnicCategory']);
        expect(await t.sql(`SELECT ethnic_category, version FROM persons WHERE id = $1`, [p.id])).toEqual([
          { ethnic_category: null, version: 1 },
        ]);
      },
    );

    it('refuses a date of birth in the future (422), and one more than 130 years ago; today is fine', async () => {
      const familyName = surname('Future');
      const future = await as(manager).post('/people', { givenName: 'Kim', familyName, dateOfBirth: '2026-11-22' }).expect(422);
      expect(future.body).toMatchObject({ code: 'date-of-birth-in-future', errors: [{ field: 'dateOfBirth' }] });
      await as(manager).post('/people', { givenName: 'Kim', familyName, dateOfBirth: '1850-01-01' }).expect(422);
      // A year no one alive was born in is not a date of birth at all: 400 naming it.
      const typo = await as(manager).post('/people', { givenName: 'Kim', familyName, dateOfBirth: '1086-01-01' }).expect(400);
      expect(typo.body.errors).toEqual([{ field: 'dateOfBirth', messages: [expect.stringContaining('1800 to 2199')] }]);
      expect(await countByFamilyName(familyName)).toBe(0);
      await person({ familyName, dateOfBirth: '2026-11-21' });
    });

    it('refuses a second person with the same NHS number with 409 person-exists to a caller who may read the record, naming it, and audits the disclosure', async () => {
      const first = await person();
      const familyName = surname('Other');
      const named = await as(manager).post('/people', { nhsNumber: first.nhsNumber, givenName: 'Someone', familyName }).expect(409);
      expect(named.body).toMatchObject({ code: 'person-exists', existingId: first.id, href: `/people/${first.id}` });
      expect(await t.sql('SELECT 1 FROM persons WHERE nhs_number = $1', [first.nhsNumber])).toHaveLength(1);
      expect(await countByFamilyName(familyName)).toBe(0);
      expect(
        await t.sql(
          `SELECT actor_id, outcome, details FROM audit_events WHERE action = 'person.create' AND subject_person_id = $1 AND outcome = 'failure'`,
          [first.id],
        ),
      ).toEqual([{ actor_id: manager.id, outcome: 'failure', details: { reason: 'person-exists', matchedBy: 'nhsNumber', named: true } }]);
    });

    it('a referrer or an AMHP with no relationship cannot tell a recorded NHS number from a new one: both 201 with what was sent; the hub gets a pending match', async () => {
      const recorded = await person();
      const worker = await t.user(['amhp']);
      for (const caller of [referrer, worker]) {
        const send = (nhs: string, key: string) =>
          t.http
            .post('/people')
            .set('authorization', caller.auth)
            .set('idempotency-key', key)
            .send({ nhsNumber: nhs, givenName: 'Anon', familyName: 'Guess' });
        const fresh = nhsNumber();
        identifying.push(fresh);
        const known = await send(recorded.nhsNumber, `known-${caller.id}`);
        const unknown = await send(fresh, `fresh-${caller.id}`);
        const shape = (r: typeof known) => ({
          status: r.status,
          etag: r.headers.etag,
          location: r.headers.location?.replace(r.body.id, '{id}'),
          body: { ...r.body, id: '{id}', nhsNumber: '{sent}', createdAt: '{t}', updatedAt: '{t}' },
        });
        expect(shape(known)).toEqual(shape(unknown));
        expect(known.status).toBe(201);
        expect(known.body.nhsNumber).toBe(recorded.nhsNumber);
        expect(JSON.stringify(known.body)).not.toContain(recorded.id);
        expect(JSON.stringify(known.body)).not.toContain(recorded.familyName);
        // Replayed under their keys: the same again, alike (neither is theirs to read back: both 403).
        const [knownAgain, unknownAgain] = [await send(recorded.nhsNumber, `known-${caller.id}`), await send(fresh, `fresh-${caller.id}`)];
        expect(knownAgain.status).toBe(unknownAgain.status);
        expect(JSON.stringify(knownAgain.body)).not.toContain(recorded.id);
        await t.http.get(`/people/${known.body.id}`).set('authorization', caller.auth).expect(403);
        await t.http.get(`/people/${unknown.body.id}`).set('authorization', caller.auth).expect(403);
        // The hub holds one record with the number, and a pending match from the one sent without it.
        expect(await t.sql('SELECT id FROM persons WHERE nhs_number = $1', [recorded.nhsNumber])).toEqual([{ id: recorded.id }]);
        const pending = (await as(manager).get('/people/matches?status=pending').expect(200)).body.items;
        expect(pending.find((x: { pendingPerson: { id: string } }) => x.pendingPerson.id === known.body.id)).toMatchObject({
          nhsNumber: recorded.nhsNumber,
          candidatePerson: { id: recorded.id },
        });
      }
    });

    it('a recorded NHS number and a new one cost POST /people the same statements to Postgres, so the time of the answer does not tell them apart', async () => {
      const recorded = await person();
      const worker = await t.user(['amhp']);
      for (const caller of [referrer, worker]) {
        const post = (nhs: string) =>
          t.http
            .post('/people')
            .set('authorization', caller.auth)
            .send({ nhsNumber: nhs, givenName: 'Anon', familyName: 'Timing' })
            .expect(201);
        const [warm, fresh] = [nhsNumber(), nhsNumber()];
        identifying.push(warm, fresh);
        await post(warm); // the caller's account is read once, on their first request
        const known = await statementsSent(() => post(recorded.nhsNumber));
        const unknown = await statementsSent(() => post(fresh));
        expect(known).toBe(unknown);
      }
    });

    it('twenty POST /people by one referrer with a number the hub holds each keep the record answered, and leave one pending match counting twenty attempts and listing the nineteen repeats, each audited, answered exactly as twenty with a new number, at the same cost', async () => {
      const recorded = await person();
      const caller = await t.user(['referrer']);
      const fresh = nhsNumber();
      identifying.push(fresh);
      const send = (nhs: string, i: number) =>
        t.http
          .post('/people')
          .set('authorization', caller.auth)
          .send({ nhsNumber: nhs, givenName: 'Anon', familyName: `Flood${i}` });
      await send(nhsNumber(), -1).expect(201); // the caller's account is read once, on their first request
      const shape = (r: Awaited<ReturnType<typeof send>>) => ({
        status: r.status,
        etag: r.headers.etag,
        location: r.headers.location?.replace(r.body.id, '{id}'),
        body: { ...r.body, id: '{id}', nhsNumber: '{sent}', createdAt: '{t}', updatedAt: '{t}' },
      });
      const heldIds: string[] = [];
      for (let i = 0; i < 20; i++) {
        let held!: Awaited<ReturnType<typeof send>>;
        let notHeld!: Awaited<ReturnType<typeof send>>;
        const heldCost = await statementsSent(async () => (held = await send(recorded.nhsNumber, i)));
        const notHeldCost = await statementsSent(async () => (notHeld = await send(fresh, i)));
        expect(shape(held)).toEqual(shape(notHeld));
        expect(held.status).toBe(201);
        expect(heldCost).toBe(notHeldCost);
        heldIds.push(held.body.id);
      }
      // Each answer has an id of its own, none of them readable by the referrer.
      expect(new Set(heldIds).size).toBe(20);
      for (const id of [heldIds[0], heldIds[19]]) await t.http.get(`/people/${id}`).set('authorization', caller.auth).expect(403);

      // The managers' queue holds one match for the number from this referrer, counting the twenty: the first intake's
      // record waits on it as its pending person, the nineteen repeats' records as its intakes, oldest first.
      const pending = (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
        (x: { candidatePerson: { id: string }; requestedBy: string }) =>
          x.candidatePerson.id === recorded.id && x.requestedBy === caller.id,
      );
      expect(pending).toHaveLength(1);
      expect(pending[0]).toMatchObject({
        attempts: 20,
        pendingPerson: { id: heldIds[0], familyName: 'Flood0' },
        nhsNumber: recorded.nhsNumber,
      });
      expect(pending[0].intakes.map((i: { personId: string; attempt: number }) => [i.personId, i.attempt])).toEqual(
        heldIds.slice(1).map((id, i) => [id, i + 2]),
      );
      expect(pending[0].intakes.every((i: { requestedAt: string }) => !Number.isNaN(Date.parse(i.requestedAt)))).toBe(true);
      // Every id the referrer was answered with is a record the hub keeps, with what they sent and without the number.
      const kept = await t.sql<{ id: string; family_name: string; nhs_number: string | null }>(
        `SELECT id, family_name, nhs_number FROM persons WHERE id = ANY($1::uuid[])`,
        [heldIds],
      );
      expect(kept.map((r) => [r.id, r.family_name, r.nhs_number]).sort()).toEqual(heldIds.map((id, i) => [id, `Flood${i}`, null]).sort());
      // Every intake is audited against the holder with the attempts it made; each repeat against the match's pending
      // person, naming its own record.
      const audited = await t.sql<{ details: { attempts: number; pendingPersonId: string; intakePersonId?: string } }>(
        `SELECT details FROM audit_events WHERE action = 'person.match' AND actor_id = $1 AND subject_person_id = $2 ORDER BY id`,
        [caller.id, recorded.id],
      );
      expect(audited.map((a) => [a.details.attempts, a.details.pendingPersonId, a.details.intakePersonId ?? null])).toEqual(
        Array.from({ length: 20 }, (_, i) => [i + 1, heldIds[0], i ? heldIds[i] : null]),
      );
      // And each record's creation, the repeats' with the match they are intakes of.
      const created = await t.sql<{ subject_person_id: string; intake_of: string | null }>(
        `SELECT subject_person_id, details->>'intakeOf' AS intake_of FROM audit_events
          WHERE action = 'person.create' AND actor_id = $1 AND subject_person_id = ANY($2::uuid[]) AND outcome = 'success' ORDER BY id`,
        [caller.id, heldIds],
      );
      expect(created.map((c) => [c.subject_person_id, c.intake_of])).toEqual(heldIds.map((id, i) => [id, i ? pending[0].id : null]));
      // Another referrer's intake of the number is theirs: a match of its own.
      const other = await t.user(['referrer']);
      await t.http
        .post('/people')
        .set('authorization', other.auth)
        .send({ nhsNumber: recorded.nhsNumber, givenName: 'Anon', familyName: 'Other' })
        .expect(201);
      const all = (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
        (x: { candidatePerson: { id: string } }) => x.candidatePerson.id === recorded.id,
      );
      expect(all.map((x: { requestedBy: string; attempts: number }) => [x.requestedBy, x.attempts]).sort()).toEqual(
        [
          [caller.id, 20],
          [other.id, 1],
        ].sort(),
      );
    });

    for (const outcome of ['same-person', 'different-person'] as const) {
      it(`a manager resolving as ${outcome} the match twenty intakes of a held number were folded into settles every one of their records: ${outcome === 'same-person' ? 'each is then found as the recorded person' : 'each stays a person of its own'}, each audited`, async () => {
        const recorded = await person();
        const caller = await t.user(['referrer']);
        const familyName = surname('Repeat');
        identifying.push(familyName, '1979-02-03');
        const ids: string[] = [];
        for (let i = 0; i < 20; i++)
          ids.push(
            (
              await t.http
                .post('/people')
                .set('authorization', caller.auth)
                .send({ nhsNumber: recorded.nhsNumber, givenName: `Anon${i}`, familyName, dateOfBirth: '1979-02-03' })
                .expect(201)
            ).body.id,
          );
        const [match] = (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
          (x: { requestedBy: string }) => x.requestedBy === caller.id,
        );
        expect(match).toMatchObject({ attempts: 20, pendingPerson: { id: ids[0] } });
        expect(match.intakes).toHaveLength(19);
        const found = async () =>
          (await as(manager).get(`/people?familyName=${familyName}&dateOfBirth=1979-02-03&limit=100`).expect(200)).body.items
            .map((p: { id: string }) => p.id)
            .sort();
        expect(await found()).toEqual([...ids].sort());

        const resolved = (await as(manager).post(`/people/matches/${match.id}/resolve`, { outcome }).expect(200)).body;
        expect(resolved).toMatchObject({ status: outcome, attempts: 20 });
        expect(resolved.intakes.map((i: { personId: string }) => i.personId)).toEqual(ids.slice(1));
        expect((await as(manager).get(`/people/matches?status=pending&limit=100`).expect(200)).body.items).not.toContainEqual(
          expect.objectContaining({ id: match.id }),
        );
        for (const id of ids)
          expect((await as(manager).get(`/people/${id}`).expect(200)).body.sameAs).toBe(outcome === 'same-person' ? recorded.id : null);
        // Confirmed the same person, none is found as a person of its own any more; told apart, all are.
        expect(await found()).toEqual(outcome === 'same-person' ? [] : [...ids].sort());
        // Each record's resolution is audited against the match, in the transaction that resolved it.
        const audited = await t.sql<{ details: { outcome: string; pendingPersonId: string; intake?: boolean } }>(
          `SELECT details FROM audit_events WHERE action = 'person.match-resolve' AND resource_id = $1 ORDER BY id`,
          [match.id],
        );
        expect(audited.map((a) => [a.details.outcome, a.details.pendingPersonId, a.details.intake ?? false])).toEqual(
          ids.map((id, i) => [outcome, id, i > 0]),
        );
        await as(manager).post(`/people/matches/${match.id}/resolve`, { outcome }).expect(409);
      });
    }

    it("a repeat sent while a manager resolves the caller's match is not folded into the match just resolved: it waits in a pending match of its own, its record kept", async () => {
      const recorded = await person();
      const caller = await t.user(['referrer']);
      const send = (familyName: string) =>
        t.http.post('/people').set('authorization', caller.auth).send({ nhsNumber: recorded.nhsNumber, givenName: 'Anon', familyName });
      const first = (await send('Race0').expect(201)).body;
      const [open] = await t.sql<{ id: string }>(`SELECT id FROM person_matches WHERE pending_person_id = $1`, [first.id]);
      // The manager's resolution holds the match's row (as POST /people/matches/{id}/resolve does) while the repeat arrives.
      const holder = new Client({ connectionString: t.databaseUrl });
      await holder.connect();
      let repeat: Awaited<ReturnType<typeof send>>;
      try {
        await holder.query('BEGIN');
        await holder.query(
          `UPDATE person_matches SET status = 'different-person', resolved_by = $2, resolved_at = now(), version = version + 1 WHERE id = $1`,
          [open.id, manager.id],
        );
        const sent = send('Race1').then((r) => r);
        for (let i = 0; ; i++) {
          const [{ waiting }] = (
            await holder.query<{ waiting: number }>(
              `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            )
          ).rows;
          if (waiting) break;
          if (i > 400) throw new Error('the repeat never waited on the match');
          await new Promise((r) => setTimeout(r, 25));
        }
        await holder.query('COMMIT');
        repeat = await sent;
      } finally {
        await holder.end();
      }
      expect(repeat.status).toBe(201);
      expect(await t.sql(`SELECT attempts FROM person_matches WHERE id = $1`, [open.id])).toEqual([{ attempts: 1 }]);
      expect(await t.sql(`SELECT 1 FROM person_match_intakes WHERE match_id = $1`, [open.id])).toEqual([]);
      const [mine] = (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
        (x: { requestedBy: string }) => x.requestedBy === caller.id,
      );
      expect(mine).toMatchObject({ pendingPerson: { id: repeat.body.id, familyName: 'Race1' }, attempts: 1, intakes: [] });
    });

    it('auditors and admins cannot record people', async () => {
      for (const roles of [['auditor'], ['admin']] as const) {
        const u = await t.user([...roles]);
        await as(u)
          .post('/people', { givenName: 'Kim', familyName: surname('Nope') })
          .expect(403);
      }
    });
  });

  describe('reading a person', () => {
    it('a manager reads any person, with ETag; the read is audited with basis role:manager and the request id', async () => {
      const p = await person();
      const res = await as(manager).get(`/people/${p.id}`).set('x-request-id', 'people-read-1').expect(200);
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ id: p.id, nhsNumber: p.nhsNumber, familyName: p.familyName });
      const audit = await t.sql(
        `SELECT actor_id, access_basis, request_id, outcome FROM audit_events WHERE action = 'person.read' AND subject_person_id = $1`,
        [p.id],
      );
      expect(audit).toEqual([{ actor_id: manager.id, access_basis: 'role:manager', request_id: 'people-read-1', outcome: 'success' }]);
    });

    it('an AMHP allocated to the person reads them, audited with basis relationship:allocated', async () => {
      const amhp = await t.user(['amhp']);
      const p = await person();
      await grant(amhp.id, p.id, 'allocated');
      await as(amhp).get(`/people/${p.id}`).expect(200);
      const audit = await t.sql(`SELECT actor_id, access_basis FROM audit_events WHERE action = 'person.read' AND subject_person_id = $1`, [
        p.id,
      ]);
      expect(audit).toEqual([{ actor_id: amhp.id, access_basis: 'relationship:allocated' }]);
    });

    it('an AMHP without a relationship is refused (403 no-relationship) and the denial is audited; break-glass then lets them read, audited with the session', async () => {
      const amhp = await approvedAmhp(t);
      const p = await person();
      const denied = await as(amhp).get(`/people/${p.id}`).expect(403);
      expect(denied.body).toMatchObject({ code: 'no-relationship', breakGlass: { href: '/break-glass', method: 'POST' } });
      expect(JSON.stringify(denied.body)).not.toContain(p.familyName);
      const denials = await t.sql(
        `SELECT actor_id, outcome, details->>'policy' AS policy FROM audit_events WHERE action = 'access.denied' AND subject_person_id = $1`,
        [p.id],
      );
      expect(denials).toEqual([{ actor_id: amhp.id, outcome: 'denied', policy: 'person.read' }]);
      expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'person.read' AND subject_person_id = $1`, [p.id])).toHaveLength(0);

      const session = (
        await as(amhp).post('/break-glass', { personId: p.id, reason: 'Police at the door at 3am, s.136, nobody allocated' }).expect(201)
      ).body;
      const res = await as(amhp).get(`/people/${p.id}`).expect(200);
      expect(res.body.id).toBe(p.id);
      const reads = await t.sql(`SELECT actor_id, access_basis FROM audit_events WHERE action = 'person.read' AND subject_person_id = $1`, [
        p.id,
      ]);
      expect(reads).toEqual([{ actor_id: amhp.id, access_basis: `break-glass:${session.id}` }]);
    });

    it("a referrer never reads a person's record, not even of their own referral's person, nor of one they recorded (their referral's progress only)", async () => {
      const theirs = await person();
      await grant(referrer.id, theirs.id, 'referrer');
      for (const path of ['', '/relatives', '/nearest-relative', '/nominated-persons', '/nearest-relative-objections']) {
        const res = await as(referrer).get(`/people/${theirs.id}${path}`).expect(403);
        expect(res.body.code).toBe('forbidden');
        expect(JSON.stringify(res.body)).not.toContain(theirs.familyName);
      }
      expect(
        await t.sql(`SELECT 1 FROM audit_events WHERE action = 'person.read' AND outcome = 'success' AND subject_person_id = $1`, [
          theirs.id,
        ]),
      ).toHaveLength(0);

      const recorded = await person({}, referrer);
      expect(await t.sql('SELECT 1 FROM access_relationships WHERE person_id = $1', [recorded.id])).toHaveLength(0);
      const res = await as(referrer).get(`/people/${recorded.id}`).expect(403);
      expect(res.body.code).toBe('forbidden');
    });

    it('auditors and admins cannot read a person; a person that does not exist is 404 for a manager; a malformed id is 400', async () => {
      const p = await person();
      for (const roles of [['auditor'], ['admin']] as const)
        await as(await t.user([...roles]))
          .get(`/people/${p.id}`)
          .expect(403);
      const missing = await as(manager).get(`/people/${randomUUID()}`).expect(404);
      expect(missing.body.code).toBe('not-found');
      await as(manager).get('/people/not-a-uuid').expect(400);
    });
  });

  describe('finding people', () => {
    it('by NHS number (spaces allowed): only people the caller may read, each returned person audited as a search result', async () => {
      const amhp = await t.user(['amhp']);
      const mine = await person();
      const notMine = await person();
      await grant(amhp.id, mine.id, 'duty');

      const spaced = `${mine.nhsNumber.slice(0, 3)} ${mine.nhsNumber.slice(3, 6)} ${mine.nhsNumber.slice(6)}`;
      const found = await as(amhp)
        .get(`/people?nhsNumber=${encodeURIComponent(spaced)}`)
        .expect(200);
      expect(found.body).toEqual({
        items: [
          {
            id: mine.id,
            nhsNumber: mine.nhsNumber,
            givenName: 'Samuela',
            familyName: mine.familyName,
            dateOfBirth: '1984-03-12',
            sex: null,
            postcode: null,
            version: 1,
          },
        ],
        nextCursor: null,
      });
      const hidden = await as(amhp).get(`/people?nhsNumber=${notMine.nhsNumber}`).expect(200);
      expect(hidden.body.items).toEqual([]);

      const results = await t.sql(
        `SELECT subject_person_id, access_basis, details FROM audit_events WHERE action = 'person.search-result' AND actor_id = $1`,
        [amhp.id],
      );
      expect(results).toEqual([{ subject_person_id: mine.id, access_basis: 'relationship:duty', details: { criteria: ['nhsNumber'] } }]);
      const searches = await t.sql(`SELECT details FROM audit_events WHERE action = 'person.search' AND actor_id = $1 ORDER BY id`, [
        amhp.id,
      ]);
      expect(searches).toEqual([
        { details: { criteria: ['nhsNumber'], results: 1 } },
        { details: { criteria: ['nhsNumber'], results: 0 } },
      ]);
    });

    it('by family name (prefix, any case) and date of birth: only readable people, each audited; a manager sees all', async () => {
      const amhp = await t.user(['amhp']);
      const familyName = surname('Zephaniah');
      const a = await person({ familyName, givenName: 'Adaeze' });
      const b = await person({ familyName, givenName: 'Bolaji' });
      const c = await person({ familyName, givenName: 'Cyprian' });
      await person({ familyName, givenName: 'Dimitra', dateOfBirth: '1985-03-12' });
      await grant(amhp.id, a.id, 'allocated');
      await grant(amhp.id, c.id, 'duty');
      const prefix = familyName.slice(0, -2).toUpperCase();

      const res = await as(amhp).get(`/people?familyName=${prefix}&dateOfBirth=1984-03-12`).expect(200);
      expect(res.body.items.map((p: { id: string }) => p.id)).toEqual([a.id, c.id]);
      const audited = await t.sql(
        `SELECT subject_person_id, access_basis FROM audit_events WHERE action = 'person.search-result' AND actor_id = $1 ORDER BY id`,
        [amhp.id],
      );
      expect(audited).toEqual([
        { subject_person_id: a.id, access_basis: 'relationship:allocated' },
        { subject_person_id: c.id, access_basis: 'relationship:duty' },
      ]);

      const all = await as(manager).get(`/people?familyName=${familyName.toLowerCase()}&dateOfBirth=1984-03-12`).expect(200);
      expect(all.body.items.map((p: { id: string }) => p.id)).toEqual([a.id, b.id, c.id]);
      const managerAudit = await t.sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'person.search-result' AND actor_id = $1 AND subject_person_id = ANY($2::uuid[]) AND access_basis = 'role:manager'`,
        [manager.id, [a.id, b.id, c.id]],
      );
      expect(managerAudit).toEqual([{ n: 3 }]);

      const narrowed = await as(manager).get(`/people?familyName=${familyName}&dateOfBirth=1984-03-12&givenName=b`).expect(200);
      expect(narrowed.body.items.map((p: { id: string }) => p.id)).toEqual([b.id]);
    });

    it('treats % and _ in a name as letters, not wildcards', async () => {
      await person({ familyName: surname('Percent') });
      const res = await as(manager).get('/people?familyName=%25%25&dateOfBirth=1984-03-12').expect(200);
      expect(res.body.items).toEqual([]);
      const under = await as(manager).get('/people?familyName=__&dateOfBirth=1984-03-12').expect(200);
      expect(under.body.items).toEqual([]);
    });

    it('pages with a keyset cursor that carries no name, auditing only the people on each page', async () => {
      const familyName = surname('Paging');
      const people = [
        await person({ familyName, givenName: 'Annwen' }),
        await person({ familyName, givenName: 'Bronwen' }),
        await person({ familyName, givenName: 'Ceridwen' }),
      ];
      const first = await as(manager).get(`/people?familyName=${familyName}&dateOfBirth=1984-03-12&limit=2`).expect(200);
      expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([people[0].id, people[1].id]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      expect(Buffer.from(first.body.nextCursor, 'base64url').toString()).not.toContain(familyName);
      const second = await as(manager)
        .get(`/people?familyName=${familyName}&dateOfBirth=1984-03-12&limit=2&cursor=${first.body.nextCursor}`)
        .expect(200);
      expect(second.body).toEqual({ items: [expect.objectContaining({ id: people[2].id })], nextCursor: null });
      const audited = await t.sql(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'person.search-result' AND subject_person_id = $1`,
        [people[2].id],
      );
      expect(audited).toEqual([{ n: 1 }]);
    });

    it('a cursor naming a person the caller may not read, or made for another caller or search, is refused 400 and says nothing of that person', async () => {
      const worker = await t.user(['amhp']);
      const hidden = await person({ familyName: surname('Mmm') });
      const before = await person({ familyName: surname('Aaa') });
      const after = await person({ familyName: surname('Zzz') });
      await grant(worker.id, before.id, 'duty');
      await grant(worker.id, after.id, 'duty');
      await as(worker).get(`/people/${hidden.id}`).expect(403);
      const idCursor = (id: string) => Buffer.from(JSON.stringify([id])).toString('base64url');
      const answers: string[] = [];
      for (const [nhs, id] of [
        [before.nhsNumber, hidden.id],
        [after.nhsNumber, hidden.id],
        [after.nhsNumber, randomUUID()],
      ]) {
        const res = await as(worker)
          .get(`/people?nhsNumber=${nhs}&cursor=${idCursor(id)}`)
          .expect(400);
        expect(res.body).toMatchObject({ errors: [{ field: 'cursor' }] });
        answers.push(res.body.detail);
      }
      expect(new Set(answers).size).toBe(1);
      // A cursor the API gave is good only for the caller and the search it was given for.
      const familyName = surname('Sealed');
      const two = [await person({ familyName, givenName: 'Aled' }), await person({ familyName, givenName: 'Bethan' })];
      for (const p of two) await grant(worker.id, p.id, 'duty');
      const query = `/people?familyName=${familyName}&dateOfBirth=1984-03-12&limit=1`;
      const page = (await as(worker).get(query).expect(200)).body;
      expect(page.items.map((x: { id: string }) => x.id)).toEqual([two[0].id]);
      expect(Buffer.from(page.nextCursor, 'base64url').toString('latin1')).not.toContain(two[0].id);
      expect((await as(worker).get(`${query}&cursor=${page.nextCursor}`).expect(200)).body.items).toEqual([
        expect.objectContaining({ id: two[1].id }),
      ]);
      await as(manager).get(`${query}&cursor=${page.nextCursor}`).expect(400);
      await as(worker).get(`/people?nhsNumber=${after.nhsNumber}&cursor=${page.nextCursor}`).expect(400);
      const flipped = Buffer.from(page.nextCursor, 'base64url');
      flipped[flipped.length - 1] ^= 1;
      await as(worker)
        .get(`${query}&cursor=${flipped.toString('base64url')}`)
        .expect(400);
    });

    it.each([
      ['', 'no criteria'],
      ['?givenName=Sam', 'a given name alone'],
      ['?familyName=Okafor', 'a family name without a date of birth'],
      ['?dateOfBirth=1984-03-12', 'a date of birth alone'],
    ])('refuses a search with %j (%s) with 400: no browsing the list of people', async (query) => {
      const res = await as(manager).get(`/people${query}`).expect(400);
      expect(res.body.code).toBe('search-criteria-required');
    });

    it('refuses an invalid NHS number or an unknown parameter in a search with 400; referrers may not search at all', async () => {
      await as(manager).get('/people?nhsNumber=1234567890').expect(400);
      await as(manager).get('/people?familyName=Okafor&dateOfBirth=1984-03-12&postcode=SW1A').expect(400);
      await as(manager).get('/people?familyName=Okafor&dateOfBirth=1984-03-12&cursor=bm90LWEtY3Vyc29y').expect(400);
      await as(referrer).get(`/people?nhsNumber=${nhsNumber()}`).expect(403);
    });
  });

  describe('changing a person', () => {
    it('a manager changes fields with If-Match; the version moves on and the audit names the fields, not their values', async () => {
      const p = await person();
      const res = await as(manager)
        .patch(`/people/${p.id}`, { preferredLanguage: 'Welsh', interpreterNeeded: true, postcode: 'cf10 1aa' }, '"v1"')
        .expect(200);
      expect(res.headers.etag).toBe('"v2"');
      expect(res.body).toMatchObject({ preferredLanguage: 'Welsh', interpreterNeeded: true, postcode: 'CF10 1AA', version: 2 });
      const [audit] = await t.sql(
        `SELECT actor_id, access_basis, details FROM audit_events WHERE action = 'person.update' AND subject_person_id = $1`,
        [p.id],
      );
      expect(audit).toEqual({
        actor_id: manager.id,
        access_basis: 'role:manager',
        details: { fields: ['preferredLanguage', 'interpreterNeeded', 'postcode'] },
      });

      const cleared = await as(manager).patch(`/people/${p.id}`, { preferredLanguage: null }, '"v2"').expect(200);
      expect(cleared.body.preferredLanguage).toBeNull();
    });

    it('a stale If-Match is 412 and changes nothing', async () => {
      const p = await person();
      await as(manager).patch(`/people/${p.id}`, { gender: 'non-binary' }, '"v1"').expect(200);
      const res = await as(manager).patch(`/people/${p.id}`, { gpPractice: 'Riverside Surgery' }, '"v1"').expect(412);
      expect(res.body).toMatchObject({ code: 'precondition-failed', currentETag: '"v2"' });
      const [row] = await t.sql(`SELECT gp_practice, version FROM persons WHERE id = $1`, [p.id]);
      expect(row).toEqual({ gp_practice: null, version: 2 });
    });

    it('a changed NHS number is validated again, and one another person has is 409 person-exists to a caller who may read them, the disclosure audited', async () => {
      const p = await person();
      const other = await person();
      await as(manager).patch(`/people/${p.id}`, { nhsNumber: '1234567890' }).expect(400);
      const res = await as(manager).patch(`/people/${p.id}`, { nhsNumber: other.nhsNumber }).expect(409);
      expect(res.body).toMatchObject({ code: 'person-exists', existingId: other.id });
      expect(
        await t.sql(`SELECT actor_id, outcome FROM audit_events WHERE action = 'person.update' AND subject_person_id = $1`, [other.id]),
      ).toEqual([{ actor_id: manager.id, outcome: 'failure' }]);
      const fresh = nhsNumber();
      identifying.push(fresh);
      const ok = await as(manager).patch(`/people/${p.id}`, { nhsNumber: fresh }).expect(200);
      expect(ok.body.nhsNumber).toBe(fresh);
      await as(manager).patch(`/people/${p.id}`, { dateOfBirth: '2027-01-01' }).expect(422);
    });

    it('PATCH giving an NHS number another record holds costs the same statements to Postgres as a new number, so its time does not say which', async () => {
      const holder = await person();
      const [mine, alsoMine, warm] = [
        await person({ nhsNumber: undefined }),
        await person({ nhsNumber: undefined }),
        await person({ nhsNumber: undefined }),
      ];
      const worker = await t.user(['amhp']);
      for (const p of [mine, alsoMine, warm]) await grant(worker.id, p.id, 'allocated');
      const [fresh, warmNumber] = [nhsNumber(), nhsNumber()];
      identifying.push(fresh, warmNumber);
      const patch = (id: string, nhs: string) => as(worker).patch(`/people/${id}`, { nhsNumber: nhs }, '"v1"').expect(200);
      await patch(warm.id, warmNumber); // the caller's account is read once, on their first request
      const known = await statementsSent(() => patch(mine.id, holder.nhsNumber));
      const unknown = await statementsSent(() => patch(alsoMine.id, fresh));
      expect(known).toBe(unknown);
    });

    it('an AMHP allocated to a person cannot tell from PATCH whether another record holds an NHS number: the same answer as a new number; the hub gets a pending match, audited against the holder', async () => {
      const holder = await person();
      const [mine, alsoMine] = [await person({ nhsNumber: undefined }), await person({ nhsNumber: undefined })];
      const worker = await t.user(['amhp']);
      await grant(worker.id, mine.id, 'allocated');
      await grant(worker.id, alsoMine.id, 'allocated');
      const fresh = nhsNumber();
      identifying.push(fresh);
      const held = await as(worker).patch(`/people/${mine.id}`, { nhsNumber: holder.nhsNumber, gpPractice: 'Riverside Surgery' }, '"v1"');
      const notHeld = await as(worker).patch(`/people/${alsoMine.id}`, { nhsNumber: fresh, gpPractice: 'Riverside Surgery' }, '"v1"');
      const shape = (r: typeof held) => ({
        status: r.status,
        etag: r.headers.etag,
        body: { ...r.body, id: '{id}', nhsNumber: '{sent}', familyName: '{name}', createdAt: '{t}', updatedAt: '{t}' },
      });
      expect(shape(held)).toEqual(shape(notHeld));
      expect(held.status).toBe(200);
      expect(held.body.nhsNumber).toBe(holder.nhsNumber);
      expect(JSON.stringify(held.body)).not.toContain(holder.id);
      // One record holds the number; the other change is made, and the number waits for the hub in a pending match.
      expect(await t.sql('SELECT id FROM persons WHERE nhs_number = $1', [holder.nhsNumber])).toEqual([{ id: holder.id }]);
      expect(await t.sql('SELECT gp_practice, version FROM persons WHERE id = $1', [mine.id])).toEqual([
        { gp_practice: 'Riverside Surgery', version: 2 },
      ]);
      const pending = (await as(manager).get('/people/matches?status=pending').expect(200)).body.items;
      expect(pending.find((x: { pendingPerson: { id: string } }) => x.pendingPerson.id === mine.id)).toMatchObject({
        nhsNumber: holder.nhsNumber,
        candidatePerson: { id: holder.id },
      });
      expect(
        await t.sql(`SELECT actor_id, action, outcome FROM audit_events WHERE subject_person_id = $1 AND actor_id = $2`, [
          holder.id,
          worker.id,
        ]),
      ).toEqual([{ actor_id: worker.id, action: 'person.match', outcome: 'failure' }]);
      // Sent again and again, the hub's match is not made twice: it counts the attempts, each audited against the holder;
      // and nothing else a repeat sent is dropped: each change is written (the last postcode is the record's).
      const postcodes = ['SW1A 2AA', 'EC1A 1BB', 'W1A 0AX', 'M1 1AE', 'B33 8TH'];
      for (let v = 2; v <= 6; v++) {
        const sent = { nhsNumber: holder.nhsNumber, postcode: postcodes[v - 2] };
        const res = await as(worker).patch(`/people/${mine.id}`, sent, `"v${v}"`).expect(200);
        expect(res.body).toMatchObject(sent);
      }
      expect(await t.sql(`SELECT postcode, nhs_number FROM persons WHERE id = $1`, [mine.id])).toEqual([
        { postcode: 'B33 8TH', nhs_number: null },
      ]);
      expect(await t.sql(`SELECT attempts FROM person_matches WHERE pending_person_id = $1 AND status = 'pending'`, [mine.id])).toEqual([
        { attempts: 6 },
      ]);
      expect(
        await t.sql(
          `SELECT count(*)::int AS n FROM audit_events WHERE action = 'person.match' AND subject_person_id = $1 AND actor_id = $2`,
          [holder.id, worker.id],
        ),
      ).toEqual([{ n: 6 }]);
    });

    for (const roles of [['amhp'], ['referrer', 'amhp']] as const)
      it(`an AMHP (${roles.join(' and ')}) who gives a held NHS number to a second record by PATCH, while her match for it waits, adds nothing to the managers' queue: it is folded into her open match (counted, the record one of its intakes), and resolving that match settles every record`, async () => {
        const holder = await person();
        const worker = await t.user([...roles]);
        const [first, second, third] = [
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
        ];
        for (const p of [first, second, third]) await grant(worker.id, p.id, 'allocated');
        await as(worker).patch(`/people/${first.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        await as(worker).patch(`/people/${second.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        // Her POST /people with the number folds into the same match, whichever route came first.
        const posted = (
          await as(worker)
            .post('/people', { nhsNumber: holder.nhsNumber, givenName: 'Anon', familyName: surname('Posted') })
            .expect(201)
        ).body;
        await as(worker).patch(`/people/${third.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        // The same record sent again counts, and is not linked twice.
        await as(worker).patch(`/people/${second.id}`, { nhsNumber: holder.nhsNumber }, '"v2"').expect(200);
        const mine = (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
          (x: { candidatePerson: { id: string }; requestedBy: string }) =>
            x.candidatePerson.id === holder.id && x.requestedBy === worker.id,
        );
        expect(mine).toHaveLength(1);
        expect(mine[0]).toMatchObject({ attempts: 5, pendingPerson: { id: first.id }, nhsNumber: holder.nhsNumber });
        expect(mine[0].intakes.map((i: { personId: string; attempt: number }) => [i.personId, i.attempt])).toEqual([
          [second.id, 2],
          [posted.id, 3],
          [third.id, 4],
        ]);
        // Every change audited against the holder, with the match it counted on, its attempt and the record it named.
        expect(
          (
            await t.sql<{ details: { attempts: number; pendingPersonId: string; intakePersonId?: string } }>(
              `SELECT details FROM audit_events WHERE action = 'person.match' AND subject_person_id = $1 AND actor_id = $2 AND resource_id = $3 ORDER BY id`,
              [holder.id, worker.id, mine[0].id],
            )
          ).map((a) => [a.details.attempts, a.details.pendingPersonId, a.details.intakePersonId ?? null]),
        ).toEqual([
          [1, first.id, null],
          [2, first.id, second.id],
          [3, first.id, posted.id],
          [4, first.id, third.id],
          [5, first.id, second.id],
        ]);
        // Nothing the hub holds changed hands: no record but the holder's holds the number.
        expect(await t.sql('SELECT id FROM persons WHERE nhs_number = $1', [holder.nhsNumber])).toEqual([{ id: holder.id }]);
        await as(manager).post(`/people/matches/${mine[0].id}/resolve`, { outcome: 'different-person' }).expect(200);
        expect(
          (
            await t.sql<{ details: { pendingPersonId: string } }>(
              `SELECT details FROM audit_events WHERE action = 'person.match-resolve' AND resource_id = $1 ORDER BY id`,
              [mine[0].id],
            )
          ).map((a) => a.details.pendingPersonId),
        ).toEqual([first.id, second.id, posted.id, third.id]);
        // Resolved, the number waits on nothing: a new change by her is a match of its own again. Resolving changed each
        // record it settled (it no longer shows the number it waited on), so its version moved on.
        expect((await as(worker).get(`/people/${first.id}`).expect(200)).headers.etag).toBe('"v3"');
        await as(worker).patch(`/people/${first.id}`, { nhsNumber: holder.nhsNumber }, '"v3"').expect(200);
        expect(
          await t.sql(`SELECT attempts FROM person_matches WHERE candidate_person_id = $1 AND requested_by = $2 AND status = 'pending'`, [
            holder.id,
            worker.id,
          ]),
        ).toEqual([{ attempts: 1 }]);
      });

    it('a referrer, who may change no record, cannot open a match by PATCH: 403 whether or not the hub holds the number, and nothing is queued', async () => {
      const holder = await person();
      const caller = await t.user(['referrer']);
      const theirs = await person({ nhsNumber: undefined });
      await grant(caller.id, theirs.id, 'referrer');
      const fresh = nhsNumber();
      identifying.push(fresh);
      const [held, notHeld] = [
        await as(caller).patch(`/people/${theirs.id}`, { nhsNumber: holder.nhsNumber }, '"v1"'),
        await as(caller).patch(`/people/${theirs.id}`, { nhsNumber: fresh }, '"v1"'),
      ];
      expect([held.status, notHeld.status]).toEqual([403, 403]);
      const { requestId: _a, instance: _b, ...heldBody } = held.body;
      const { requestId: _c, instance: _d, ...notHeldBody } = notHeld.body;
      expect(heldBody).toEqual(notHeldBody);
      expect(await t.sql(`SELECT 1 FROM person_matches WHERE requested_by = $1`, [caller.id])).toEqual([]);
    });

    it('an AMHP cannot tell from reading back a record she gave a held NHS number whether the hub holds it: GET shows the number sent, as for a new number, a search by it finds the record, and sending it again costs what a new number sent again costs', async () => {
      const holder = await person();
      const worker = await t.user(['amhp']);
      const [mine, alsoMine] = [await person({ nhsNumber: undefined }), await person({ nhsNumber: undefined })];
      for (const p of [mine, alsoMine]) await grant(worker.id, p.id, 'allocated');
      const fresh = nhsNumber();
      identifying.push(fresh);
      await as(worker).patch(`/people/${mine.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
      await as(worker).patch(`/people/${alsoMine.id}`, { nhsNumber: fresh }, '"v1"').expect(200);
      const shape = (r: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => ({
        status: r.status,
        etag: r.headers.etag,
        body: { ...r.body, id: '{id}', nhsNumber: '{sent}', familyName: '{name}', createdAt: '{t}', updatedAt: '{t}' },
      });
      const [held, notHeld] = [await as(worker).get(`/people/${mine.id}`), await as(worker).get(`/people/${alsoMine.id}`)];
      expect(shape(held)).toEqual(shape(notHeld));
      expect([held.body.nhsNumber, notHeld.body.nhsNumber]).toEqual([holder.nhsNumber, fresh]);
      const found = (await as(worker).get(`/people?nhsNumber=${holder.nhsNumber}`).expect(200)).body.items;
      expect(found.map((p: { id: string; nhsNumber: string }) => [p.id, p.nhsNumber])).toEqual([[mine.id, holder.nhsNumber]]);
      // Sending the number shown back again is a repeat (counted on the match), never a write of the record's own
      // number; and it costs what sending a new number's record its own number again costs.
      const again = await statementsSent(() =>
        as(worker).patch(`/people/${mine.id}`, { nhsNumber: holder.nhsNumber, postcode: 'SW1A 2AA' }, '"v2"').expect(200),
      );
      const againFresh = await statementsSent(() =>
        as(worker).patch(`/people/${alsoMine.id}`, { nhsNumber: fresh, postcode: 'SW1A 2AA' }, '"v2"').expect(200),
      );
      expect(again).toBe(againFresh);
      expect(await t.sql('SELECT nhs_number FROM persons WHERE id = $1', [mine.id])).toEqual([{ nhs_number: null }]);
      expect(await t.sql(`SELECT attempts FROM person_matches WHERE pending_person_id = $1 AND status = 'pending'`, [mine.id])).toEqual([
        { attempts: 2 },
      ]);
    });

    for (const later of ['a new number', 'a number another record holds', 'no number (null)'] as const)
      it(`an AMHP who gives a record a held NHS number and then ${later} sees the record show what she sent last, found by it and not by the first, exactly as had the first been new; the match leaves the managers' queue withdrawn, audited, and resolving it is 409`, async () => {
        const holder = await person();
        const otherHolder = await person();
        const worker = await t.user(['amhp']);
        const [mine, alsoMine] = [await person({ nhsNumber: undefined }), await person({ nhsNumber: undefined })];
        for (const p of [mine, alsoMine]) await grant(worker.id, p.id, 'allocated');
        const [notHeld, laterFresh, alsoLaterFresh] = [nhsNumber(), nhsNumber(), nhsNumber()];
        identifying.push(notHeld, laterFresh, alsoLaterFresh);
        // Her second number for the record whose first the hub holds, and for the one whose first it does not.
        const [second, alsoSecond] =
          later === 'a new number'
            ? [laterFresh, alsoLaterFresh]
            : later === 'a number another record holds'
              ? [otherHolder.nhsNumber, laterFresh]
              : [null, null];
        const patch = (id: string, nhs: string | null, v: number) =>
          as(worker).patch(`/people/${id}`, { nhsNumber: nhs, postcode: 'SW1A 2AA' }, `"v${v}"`);
        const shape = (r: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => ({
          status: r.status,
          etag: r.headers.etag,
          body: {
            ...r.body,
            id: '{id}',
            nhsNumber: r.body.nhsNumber === null ? null : '{sent}',
            familyName: '{name}',
            createdAt: '{t}',
            updatedAt: '{t}',
          },
        });
        expect(shape(await patch(mine.id, holder.nhsNumber, 1))).toEqual(shape(await patch(alsoMine.id, notHeld, 1)));
        let held!: Awaited<ReturnType<typeof patch>>;
        let fresh!: Awaited<ReturnType<typeof patch>>;
        const heldCost = await statementsSent(async () => (held = await patch(mine.id, second, 2)));
        const freshCost = await statementsSent(async () => (fresh = await patch(alsoMine.id, alsoSecond, 2)));
        expect(shape(held)).toEqual(shape(fresh));
        expect(heldCost).toBe(freshCost);
        expect([held.status, held.body.nhsNumber, fresh.body.nhsNumber]).toEqual([200, second, alsoSecond]);
        // Read back, the record shows the number she sent last, as the other does; to a manager too.
        const [readHeld, readFresh] = [await as(worker).get(`/people/${mine.id}`), await as(worker).get(`/people/${alsoMine.id}`)];
        expect(shape(readHeld)).toEqual(shape(readFresh));
        expect([readHeld.body.nhsNumber, readFresh.body.nhsNumber]).toEqual([second, alsoSecond]);
        expect((await as(manager).get(`/people/${mine.id}`).expect(200)).body.nhsNumber).toBe(second);
        // Found by the number sent last, never by the one it superseded: as for the record whose first was new.
        const found = async (nhs: string) =>
          (await as(worker).get(`/people?nhsNumber=${nhs}`).expect(200)).body.items.map((p: { id: string }) => p.id);
        expect(await found(holder.nhsNumber)).toEqual([]);
        expect(await found(notHeld)).toEqual([]);
        if (second && alsoSecond) {
          expect(await found(second)).toEqual([mine.id]);
          expect(await found(alsoSecond)).toEqual([alsoMine.id]);
        }
        // The managers' queue no longer holds the match for the first number: withdrawn, by her change, audited.
        const matches = async (status: string) =>
          (await as(manager).get(`/people/matches?status=${status}&limit=100`).expect(200)).body.items.filter(
            (x: { candidatePerson: { id: string } }) => x.candidatePerson.id === holder.id,
          );
        expect(await matches('pending')).toEqual([]);
        const [withdrawn] = await matches('withdrawn');
        expect(withdrawn).toMatchObject({ status: 'withdrawn', pendingPerson: { id: mine.id }, resolvedBy: worker.id, intakes: [] });
        expect(
          await t.sql(
            `SELECT actor_id, subject_person_id, outcome, details FROM audit_events WHERE action = 'person.match-withdraw' AND resource_id = $1`,
            [withdrawn.id],
          ),
        ).toEqual([
          {
            actor_id: worker.id,
            subject_person_id: holder.id,
            outcome: 'success',
            details: {
              personId: mine.id,
              part: 'pending-person',
              status: 'withdrawn',
              pendingPersonId: mine.id,
              reason: 'nhs-number-superseded',
              via: 'person-update',
            },
          },
        ]);
        const refused = await as(manager).post(`/people/matches/${withdrawn.id}/resolve`, { outcome: 'same-person' }).expect(409);
        expect(refused.body).toMatchObject({ code: 'match-withdrawn' });
        expect((await as(manager).get(`/people/${mine.id}`).expect(200)).body.sameAs).toBeNull();
        // A number held by another record waits in a match of its own to that record.
        expect(
          await t.sql(`SELECT candidate_person_id AS "candidate" FROM person_matches WHERE pending_person_id = $1 AND status = 'pending'`, [
            mine.id,
          ]),
        ).toEqual(later === 'a number another record holds' ? [{ candidate: otherHolder.id }] : []);
        expect(await t.sql(`SELECT nhs_number FROM persons WHERE id = $1`, [mine.id])).toEqual([
          { nhs_number: later === 'a new number' ? second : null },
        ]);
      });

    it('a record folded into a match as one of its intakes, then given another NHS number, leaves the match: it shows and is found by its own number, the match waits with its other records, and resolving it settles only them', async () => {
      const holder = await person();
      const worker = await t.user(['amhp']);
      const records = [];
      for (let i = 0; i < 4; i++) records.push(await person({ nhsNumber: undefined }));
      const [first, second, third, fourth] = records;
      for (const p of records) await grant(worker.id, p.id, 'allocated');
      for (const p of records) await as(worker).patch(`/people/${p.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
      const [c1, c2] = [nhsNumber(), nhsNumber()];
      identifying.push(c1, c2);
      // An intake's later number: its link goes.
      const res = await as(worker).patch(`/people/${third.id}`, { nhsNumber: c1 }, '"v2"').expect(200);
      expect(res.body.nhsNumber).toBe(c1);
      const found = async (nhs: string) =>
        (await as(worker).get(`/people?nhsNumber=${nhs}`).expect(200)).body.items.map((p: { id: string }) => p.id).sort();
      expect(await found(c1)).toEqual([third.id]);
      expect(await found(holder.nhsNumber)).toEqual([first.id, second.id, fourth.id].sort());
      const pending = async () =>
        (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
          (x: { candidatePerson: { id: string } }) => x.candidatePerson.id === holder.id,
        );
      let [match] = await pending();
      expect(match).toMatchObject({ pendingPerson: { id: first.id }, attempts: 4 });
      expect(match.intakes.map((i: { personId: string }) => i.personId)).toEqual([second.id, fourth.id]);
      // The pending person's later number: the oldest intake left takes its place, the match waiting with it.
      await as(worker).patch(`/people/${first.id}`, { nhsNumber: c2 }, '"v2"').expect(200);
      expect((await as(worker).get(`/people/${first.id}`).expect(200)).body.nhsNumber).toBe(c2);
      expect(await found(holder.nhsNumber)).toEqual([second.id, fourth.id].sort());
      [match] = await pending();
      expect(match).toMatchObject({ status: 'pending', pendingPerson: { id: second.id, nhsNumber: holder.nhsNumber } });
      expect(match.intakes.map((i: { personId: string }) => i.personId)).toEqual([fourth.id]);
      expect(
        (
          await t.sql<{ details: { personId: string; part: string; status: string; pendingPersonId: string } }>(
            `SELECT details FROM audit_events WHERE action = 'person.match-withdraw' AND resource_id = $1 ORDER BY id`,
            [match.id],
          )
        ).map((a) => [a.details.personId, a.details.part, a.details.status, a.details.pendingPersonId]),
      ).toEqual([
        [third.id, 'intake', 'pending', first.id],
        [first.id, 'pending-person', 'pending', second.id],
      ]);
      // Resolving settles the records that still wait on it, not those given another number since.
      await as(manager).post(`/people/matches/${match.id}/resolve`, { outcome: 'same-person' }).expect(200);
      for (const p of [second, fourth]) expect((await as(manager).get(`/people/${p.id}`).expect(200)).body.sameAs).toBe(holder.id);
      for (const [p, nhs] of [
        [first, c2],
        [third, c1],
      ] as const)
        expect((await as(manager).get(`/people/${p.id}`).expect(200)).body).toMatchObject({ sameAs: null, nhsNumber: nhs });
    });

    describe("a record waiting on two of the holder's matches at once", () => {
      /** The holder's matches as a manager lists them (every status), and each record each lists: pending person, then intakes. */
      const holdersMatches = async (holderId: string) =>
        (
          (await as(manager).get('/people/matches?status=all&limit=100').expect(200)).body.items as Array<{
            id: string;
            status: string;
            candidatePerson: { id: string };
            pendingPerson: { id: string };
            intakes: Array<{ personId: string }>;
          }>
        )
          .filter((x) => x.candidatePerson.id === holderId)
          .map((x) => ({ id: x.id, status: x.status, records: [x.pendingPerson.id, ...x.intakes.map((i) => i.personId)] }));
      /** No record counted on two pending matches, and no match that no longer waits listing intakes. */
      const expectClean = (matches: Array<{ status: string; records: string[] }>) => {
        const waiting = matches.filter((x) => x.status === 'pending').flatMap((x) => x.records);
        expect(waiting).toEqual([...new Set(waiting)]);
        for (const x of matches.filter((y) => y.status === 'withdrawn')) expect(x.records).toHaveLength(1);
      };

      it("an intake of one AMHP's match given the holder's number by another AMHP is counted on that match, not queued again: one match lists it, and when the pending person is given another number it takes its place", async () => {
        const holder = await person();
        const [a, b] = [await t.user(['amhp']), await t.user(['amhp'])];
        const [first, second] = [await person({ nhsNumber: undefined }), await person({ nhsNumber: undefined })];
        for (const w of [a, b]) for (const p of [first, second]) await grant(w.id, p.id, 'allocated');
        await as(a).patch(`/people/${first.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        await as(a).patch(`/people/${second.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        // Another AMHP sends the same number for the record already waiting as an intake: counted on that match.
        const again = await as(b).patch(`/people/${second.id}`, { nhsNumber: holder.nhsNumber }, '"v2"').expect(200);
        expect(again.body.nhsNumber).toBe(holder.nhsNumber);
        let matches = await holdersMatches(holder.id);
        expect(matches).toEqual([{ id: expect.any(String), status: 'pending', records: [first.id, second.id] }]);
        expect(await t.sql(`SELECT attempts FROM person_matches WHERE id = $1`, [matches[0].id])).toEqual([{ attempts: 3 }]);
        const [audit] = await t.sql<{ actor_id: string; resource_id: string; details: Record<string, unknown> }>(
          `SELECT actor_id, resource_id, details FROM audit_events WHERE action = 'person.match' AND actor_id = $1`,
          [b.id],
        );
        expect(audit).toMatchObject({
          resource_id: matches[0].id,
          details: { pendingPersonId: first.id, intakePersonId: second.id, attempts: 3 },
        });
        // The pending person's later number: the intake takes its place; nothing is counted twice.
        const fresh = nhsNumber();
        identifying.push(fresh);
        await as(a).patch(`/people/${first.id}`, { nhsNumber: fresh }, '"v2"').expect(200);
        matches = await holdersMatches(holder.id);
        expect(matches).toEqual([{ id: matches[0].id, status: 'pending', records: [second.id] }]);
        expectClean(matches);
      });

      it("a match whose every intake waits in a match of its own to the same holder (kept from before) is withdrawn with its pending person's later number, leaving those intakes to their own matches: none listed twice, none left on the withdrawn match, each audited", async () => {
        const holder = await person();
        const [a, b] = [await t.user(['amhp']), await t.user(['amhp'])];
        const records = [
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
        ];
        const [first, second, third] = records;
        for (const p of records) await grant(a.id, p.id, 'allocated');
        for (const p of records) await as(a).patch(`/people/${p.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        const [m1] = await holdersMatches(holder.id);
        expect(m1.records).toEqual([first.id, second.id, third.id]);
        // As stored before a record waiting as an intake was counted on its match: each intake also the pending person
        // of a match of its own to the holder, by another AMHP.
        for (const p of [second, third])
          await t.sql(
            `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at)
             VALUES ($1, $2, $3, $4, now(), now())`,
            [p.id, holder.id, holder.nhsNumber, b.id],
          );
        const fresh = nhsNumber();
        identifying.push(fresh);
        await as(a).patch(`/people/${first.id}`, { nhsNumber: fresh }, '"v2"').expect(200);
        const matches = await holdersMatches(holder.id);
        expect(matches.find((x) => x.id === m1.id)).toEqual({ id: m1.id, status: 'withdrawn', records: [first.id] });
        expect(matches.filter((x) => x.status === 'pending').map((x) => x.records)).toEqual(
          expect.arrayContaining([[second.id], [third.id]]),
        );
        expectClean(matches);
        expect(
          await t.sql(`SELECT details FROM audit_events WHERE action = 'person.match-withdraw' AND resource_id = $1`, [m1.id]),
        ).toEqual([
          {
            details: {
              personId: first.id,
              part: 'pending-person',
              status: 'withdrawn',
              pendingPersonId: first.id,
              intakesLeftToOwnMatch: [second.id, third.id].sort(),
              reason: 'nhs-number-superseded',
              via: 'person-update',
            },
          },
        ]);
        // Each intake is settled by its own match; the withdrawn one settles nothing.
        await as(manager).post(`/people/matches/${m1.id}/resolve`, { outcome: 'same-person' }).expect(409);
        for (const x of matches.filter((y) => y.status === 'pending'))
          await as(manager).post(`/people/matches/${x.id}/resolve`, { outcome: 'same-person' }).expect(200);
        for (const p of [second, third]) expect((await as(manager).get(`/people/${p.id}`).expect(200)).body.sameAs).toBe(holder.id);
      });

      it('when some intakes wait in a match of their own (kept from before) and one does not, that one takes the pending place and the others leave to their own matches', async () => {
        const holder = await person();
        const [a, b] = [await t.user(['amhp']), await t.user(['amhp'])];
        const records = [
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
          await person({ nhsNumber: undefined }),
        ];
        const [first, second, third] = records;
        for (const p of records) await grant(a.id, p.id, 'allocated');
        for (const p of records) await as(a).patch(`/people/${p.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
        const [m1] = await holdersMatches(holder.id);
        await t.sql(
          `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at)
           VALUES ($1, $2, $3, $4, now(), now())`,
          [second.id, holder.id, holder.nhsNumber, b.id],
        );
        const fresh = nhsNumber();
        identifying.push(fresh);
        await as(a).patch(`/people/${first.id}`, { nhsNumber: fresh }, '"v2"').expect(200);
        const matches = await holdersMatches(holder.id);
        expect(matches.find((x) => x.id === m1.id)).toEqual({ id: m1.id, status: 'pending', records: [third.id] });
        expect(matches.filter((x) => x.id !== m1.id)).toEqual([{ id: expect.any(String), status: 'pending', records: [second.id] }]);
        expectClean(matches);
      });
    });

    describe('a later number and a manager resolving the same match at the same moment', () => {
      /** A record an AMHP gave a held number, waiting alone in its match; her next change is sent with the ETag she read. */
      async function waiting() {
        const holder = await person();
        const worker = await t.user(['amhp']);
        const mine = await person({ nhsNumber: undefined });
        await grant(worker.id, mine.id, 'allocated');
        const etag = (await as(worker).patch(`/people/${mine.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200)).headers.etag;
        const [{ id: matchId }] = await t.sql<{ id: string }>(`SELECT id FROM person_matches WHERE pending_person_id = $1`, [mine.id]);
        const later = nhsNumber();
        identifying.push(later);
        return {
          holder,
          worker,
          mine,
          matchId,
          later,
          withdraw: () => as(worker).patch(`/people/${mine.id}`, { nhsNumber: later }, etag),
          resolve: () => as(manager).post(`/people/matches/${matchId}/resolve`, { outcome: 'same-person' }),
        };
      }
      const audited = async (matchId: string) =>
        (await t.sql<{ action: string }>(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY id`, [matchId])).map(
          (a) => a.action,
        );

      /** Whoever won, the record, the match and the audit say the same. */
      async function expectWinner(w: Awaited<ReturnType<typeof waiting>>, winner: 'withdraw' | 'resolve') {
        const [match] = await t.sql<{ status: string }>(`SELECT status FROM person_matches WHERE id = $1`, [w.matchId]);
        const record = (await as(manager).get(`/people/${w.mine.id}`).expect(200)).body;
        if (winner === 'withdraw') {
          expect(match.status).toBe('withdrawn');
          expect(record).toMatchObject({ nhsNumber: w.later, sameAs: null });
          expect(await audited(w.matchId)).toEqual(['person.match', 'person.match-withdraw']);
        } else {
          expect(match.status).toBe('same-person');
          expect(record).toMatchObject({ nhsNumber: null, sameAs: w.holder.id });
          expect(await audited(w.matchId)).toEqual(['person.match', 'person.match-resolve', 'referral.person-matched']);
        }
        // The record's changes audited: her first, then the later number only if it was written.
        expect(await t.sql(`SELECT 1 FROM audit_events WHERE action = 'person.update' AND resource_id = $1`, [w.mine.id])).toHaveLength(
          winner === 'withdraw' ? 2 : 1,
        );
        expect(await t.sql(`SELECT nhs_number FROM persons WHERE id = $1`, [w.mine.id])).toEqual([
          { nhs_number: winner === 'withdraw' ? w.later : null },
        ]);
      }

      it('the later number first: resolving is then 409 match-withdrawn, and the record keeps the number', async () => {
        const w = await waiting();
        await w.withdraw().expect(200);
        const res = await w.resolve().expect(409);
        expect(res.body).toMatchObject({ code: 'match-withdrawn' });
        await expectWinner(w, 'withdraw');
      });

      it('the resolution first: the later number sent with the ETag read before it is 412 (the record changed: it was confirmed as the holder), and nothing of it is written', async () => {
        const w = await waiting();
        await w.resolve().expect(200);
        const res = await w.withdraw().expect(412);
        expect(res.headers['content-type']).toMatch(/problem\+json/);
        await expectWinner(w, 'resolve');
      });

      it('the resolution first: a change sent without If-Match (or with the new ETag), or a relative recorded against the record, is refused 409 naming the person it was confirmed to be, and nothing of it is written', async () => {
        const w = await waiting();
        await w.resolve().expect(200);
        const before = (await as(manager).get(`/people/${w.mine.id}`).expect(200)).body;
        for (const [who, body] of [
          [w.worker, { nhsNumber: w.later }],
          [w.worker, { givenName: 'Renamed', gpPractice: 'Riverside Surgery' }],
          [manager, { nhsNumber: null }],
        ] as const) {
          const res = await as(who).patch(`/people/${w.mine.id}`, body).expect(409);
          expect(res.headers['content-type']).toMatch(/problem\+json/);
          expect(res.body).toMatchObject({ code: 'person-confirmed-as-another', sameAs: w.holder.id });
        }
        // Read again with its ETag, it is still the holder's: a change is refused the same.
        const etag = (await as(manager).get(`/people/${w.mine.id}`).expect(200)).headers.etag;
        expect((await as(manager).patch(`/people/${w.mine.id}`, { givenName: 'Renamed' }, etag).expect(409)).body.code).toBe(
          'person-confirmed-as-another',
        );
        // Nor is anything recorded against it any more: its relatives went to the holder, and so would a new one.
        const relative = await as(manager).post(`/people/${w.mine.id}/relatives`, { name: 'Dad', relationship: 'parent' }).expect(409);
        expect(relative.body).toMatchObject({ code: 'person-confirmed-as-another', sameAs: w.holder.id });
        expect(await t.sql('SELECT 1 FROM relatives WHERE person_id = $1', [w.mine.id])).toEqual([]);
        expect((await as(manager).get(`/people/${w.mine.id}`).expect(200)).body).toEqual(before);
        await expectWinner(w, 'resolve');
        // The holder's record, where the records moved, is changed as any other.
        await as(manager).patch(`/people/${w.holder.id}`, { gpPractice: 'Riverside Surgery' }).expect(200);
      });

      it('both at once: never a 500; one wins, the other is 409 or 412 saying why, and the record, the match and the audit agree with the winner', async () => {
        for (let i = 0; i < 6; i++) {
          const w = await waiting();
          const [withdrawn, resolved] = await Promise.all([w.withdraw(), w.resolve()]);
          expect([withdrawn.status, resolved.status]).toEqual(withdrawn.status === 200 ? [200, 409] : [412, 200]);
          if (resolved.status === 409) expect(resolved.body).toMatchObject({ code: 'match-withdrawn' });
          await expectWinner(w, withdrawn.status === 200 ? 'withdraw' : 'resolve');
        }
      });

      it("an intake's later number and the match's resolution at once: never a 500; the intake either leaves the match first (the match then settles only its pending person) or is settled with it (its later number then 412), and the records and the audit agree", async () => {
        for (let i = 0; i < 6; i++) {
          const holder = await person();
          const worker = await t.user(['amhp']);
          const [pend, intake] = [await person({ nhsNumber: undefined }), await person({ nhsNumber: undefined })];
          for (const p of [pend, intake]) await grant(worker.id, p.id, 'allocated');
          await as(worker).patch(`/people/${pend.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200);
          const etag = (await as(worker).patch(`/people/${intake.id}`, { nhsNumber: holder.nhsNumber }, '"v1"').expect(200)).headers.etag;
          const [{ id: matchId }] = await t.sql<{ id: string }>(`SELECT id FROM person_matches WHERE pending_person_id = $1`, [pend.id]);
          const later = nhsNumber();
          identifying.push(later);
          const [withdrawn, resolved] = await Promise.all([
            as(worker).patch(`/people/${intake.id}`, { nhsNumber: later }, etag),
            as(manager).post(`/people/matches/${matchId}/resolve`, { outcome: 'same-person' }),
          ]);
          expect([withdrawn.status, resolved.status]).toEqual([withdrawn.status === 200 ? 200 : 412, 200]);
          const left = withdrawn.status === 200;
          expect(resolved.body.intakes.map((x: { personId: string }) => x.personId)).toEqual(left ? [] : [intake.id]);
          expect((await as(manager).get(`/people/${pend.id}`).expect(200)).body.sameAs).toBe(holder.id);
          expect((await as(manager).get(`/people/${intake.id}`).expect(200)).body).toMatchObject(
            left ? { sameAs: null, nhsNumber: later } : { sameAs: holder.id, nhsNumber: null },
          );
          const settled = await t.sql<{ details: { pendingPersonId: string } }>(
            `SELECT details FROM audit_events WHERE action = 'person.match-resolve' AND resource_id = $1 ORDER BY id`,
            [matchId],
          );
          expect(settled.map((a) => a.details.pendingPersonId)).toEqual(left ? [pend.id] : [pend.id, intake.id]);
          expect(
            await t.sql(`SELECT 1 FROM audit_events WHERE action = 'person.match-withdraw' AND resource_id = $1`, [matchId]),
          ).toHaveLength(left ? 1 : 0);
        }
      });
    });

    it('an AMHP who gives a held NHS number to a record that had a number of its own cannot tell it was held: the record gives up its old number as it would for a new one (not found by it, free for another record), and shows the new', async () => {
      const holder = await person();
      const worker = await t.user(['amhp']);
      const [mine, alsoMine] = [await person(), await person()];
      for (const p of [mine, alsoMine]) await grant(worker.id, p.id, 'allocated');
      const fresh = nhsNumber();
      identifying.push(fresh);
      const shape = (r: { status: number; headers: Record<string, string>; body: Record<string, unknown> }) => ({
        status: r.status,
        etag: r.headers.etag,
        body: { ...r.body, id: '{id}', nhsNumber: '{sent}', familyName: '{name}', createdAt: '{t}', updatedAt: '{t}' },
      });
      const held = await as(worker).patch(`/people/${mine.id}`, { nhsNumber: holder.nhsNumber }, '"v1"');
      const notHeld = await as(worker).patch(`/people/${alsoMine.id}`, { nhsNumber: fresh }, '"v1"');
      expect(shape(held)).toEqual(shape(notHeld));
      expect([held.body.nhsNumber, notHeld.body.nhsNumber]).toEqual([holder.nhsNumber, fresh]);
      // Neither record is found by the number it had before, nor holds it: another record may be given it.
      for (const old of [mine.nhsNumber, alsoMine.nhsNumber])
        expect((await as(worker).get(`/people?nhsNumber=${old}`).expect(200)).body.items).toEqual([]);
      const [again, alsoAgain] = [
        await as(worker).post('/people', { nhsNumber: mine.nhsNumber, givenName: 'Anon', familyName: surname('Again') }),
        await as(worker).post('/people', { nhsNumber: alsoMine.nhsNumber, givenName: 'Anon', familyName: surname('Again') }),
      ];
      expect([again.status, alsoAgain.status]).toEqual([201, 201]);
      expect(await t.sql(`SELECT nhs_number FROM persons WHERE id = $1`, [again.body.id])).toEqual([{ nhs_number: mine.nhsNumber }]);
    });

    it('a record kept from before a later number superseded an earlier one (holding a number of its own, waiting on two matches) is found only by the number it shows', async () => {
      const [holder, otherHolder] = [await person(), await person()];
      const worker = await t.user(['amhp']);
      const kept = await person();
      await grant(worker.id, kept.id, 'allocated');
      // As such a database holds it: its own number, a match for one number, then a later one for another.
      for (const [h, at] of [
        [holder, '2026-11-01T09:00:00Z'],
        [otherHolder, '2026-11-01T10:00:00Z'],
      ] as const)
        await t.sql(
          `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at)
           VALUES ($1, $2, $3, $4, $5, $5)`,
          [kept.id, h.id, h.nhsNumber, worker.id, at],
        );
      const found = async (nhs: string) =>
        (await as(worker).get(`/people?nhsNumber=${nhs}`).expect(200)).body.items.map((p: { id: string }) => p.id);
      expect((await as(worker).get(`/people/${kept.id}`).expect(200)).body.nhsNumber).toBe(otherHolder.nhsNumber);
      expect([await found(kept.nhsNumber), await found(holder.nhsNumber), await found(otherHolder.nhsNumber)]).toEqual([[], [], [kept.id]]);
    });

    it("duplicate pending matches already stored (one caller, one recorded person, from before every route folded) are folded into the oldest: one in the managers' queue, attempts summed, every record its intake, the others kept as folded and audited; resolving it settles all", async () => {
      for (const roles of [['referrer'], ['amhp']] as const) {
        const holder = await person();
        const caller = await t.user([...roles]);
        const records = [];
        for (let i = 0; i < 4; i++) records.push(await person({ nhsNumber: undefined, familyName: surname(`Dup${i}`) }));
        // As a database from before the fold holds them: two pending matches, the second with an intake of its own.
        const [older] = await t.sql<{ id: string }>(
          `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at, attempts)
           VALUES ($1, $2, $3, $4, '2026-11-01T09:00:00Z', '2026-11-01T09:30:00Z', 2) RETURNING id`,
          [records[0].id, holder.id, holder.nhsNumber, caller.id],
        );
        await t.sql(
          `INSERT INTO person_match_intakes (match_id, person_id, requested_at, attempt) VALUES ($1, $2, '2026-11-01T09:30:00Z', 2)`,
          [older.id, records[1].id],
        );
        const [newer] = await t.sql<{ id: string }>(
          `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at, attempts)
           VALUES ($1, $2, $3, $4, '2026-11-01T09:10:00Z', '2026-11-01T10:00:00Z', 3) RETURNING id`,
          [records[2].id, holder.id, holder.nhsNumber, caller.id],
        );
        await t.sql(
          `INSERT INTO person_match_intakes (match_id, person_id, requested_at, attempt) VALUES ($1, $2, '2026-11-01T10:00:00Z', 3)`,
          [newer.id, records[3].id],
        );
        const mine = async (status = 'pending') =>
          (await as(manager).get(`/people/matches?status=${status}&limit=100`).expect(200)).body.items.filter(
            (x: { requestedBy: string }) => x.requestedBy === caller.id,
          );
        expect(await mine()).toHaveLength(2);

        const [{ folded }] = await t.sql<{ folded: number }>(`SELECT person_matches_fold_duplicates() AS folded`);
        expect(folded).toBe(1);
        const pending = await mine();
        expect(pending).toHaveLength(1);
        expect(pending[0]).toMatchObject({
          id: older.id,
          attempts: 5,
          lastRequestedAt: '2026-11-01T10:00:00.000Z',
          pendingPerson: { id: records[0].id },
          foldedInto: null,
        });
        expect(pending[0].intakes.map((i: { personId: string; attempt: number }) => [i.personId, i.attempt])).toEqual([
          // In the order they were made: the folded match's own record (09:10) before the older match's repeat (09:30).
          [records[2].id, 2],
          [records[1].id, 3],
          [records[3].id, 4],
        ]);
        expect(await mine('folded')).toEqual([
          expect.objectContaining({ id: newer.id, status: 'folded', foldedInto: older.id, attempts: 3, intakes: [] }),
        ]);
        expect(
          await t.sql(
            `SELECT actor_id, subject_person_id, details FROM audit_events WHERE action = 'person.match-fold' AND resource_id = $1`,
            [newer.id],
          ),
        ).toEqual([
          {
            actor_id: null,
            subject_person_id: holder.id,
            details: {
              foldedInto: older.id,
              pendingPersonId: records[2].id,
              intakePersonIds: [records[3].id],
              attempts: 3,
              reason: 'duplicate-pending-match',
            },
          },
        ]);
        // Run again, nothing is left to fold.
        expect(await t.sql(`SELECT person_matches_fold_duplicates() AS folded`)).toEqual([{ folded: 0 }]);
        // The folded match is settled with the one it was folded into; resolving that settles every record.
        const refused = await as(manager).post(`/people/matches/${newer.id}/resolve`, { outcome: 'same-person' }).expect(409);
        expect(refused.body).toMatchObject({ code: 'match-resolved', foldedInto: older.id });
        await as(manager).post(`/people/matches/${older.id}/resolve`, { outcome: 'same-person' }).expect(200);
        for (const r of records) expect((await as(manager).get(`/people/${r.id}`).expect(200)).body.sameAs).toBe(holder.id);
      }
    });

    it("records counted on two pending matches to one holder (kept from before) are settled by the migration: each stays on the oldest match it waits in, leaves the later ones as a withdrawal would, each change audited; the managers' queue lists each record once, every record it shows (intakes too) audited as a read", async () => {
      const holder = await person();
      const callers = [await t.user(['amhp']), await t.user(['referrer']), await t.user(['amhp']), await t.user(['referrer'])];
      const r: Array<{ id: string }> = [];
      for (let i = 0; i < 5; i++) r.push(await person({ nhsNumber: undefined, familyName: surname(`Twice${i}`) }));
      // As a database from before a record was counted on the match it waits in: r1 is the pending person of a later
      // match and an intake of the oldest, r2 an intake of two, r3 an intake of one and the pending person of a later one.
      const match = async (k: number, pending: string, intakes: string[]) => {
        const at = `2026-11-01T09:${String(k * 10).padStart(2, '0')}:00Z`;
        const [{ id }] = await t.sql<{ id: string }>(
          `INSERT INTO person_matches (pending_person_id, candidate_person_id, nhs_number, requested_by, requested_at, last_requested_at, attempts)
           VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
          [pending, holder.id, holder.nhsNumber, callers[k].id, at, 1 + intakes.length],
        );
        for (const [n, intake] of intakes.entries())
          await t.sql(`INSERT INTO person_match_intakes (match_id, person_id, requested_at, attempt) VALUES ($1, $2, $3, $4)`, [
            id,
            intake,
            at,
            n + 2,
          ]);
        return id;
      };
      const m = [await match(0, r[0].id, [r[1].id, r[2].id]), await match(1, r[1].id, [r[3].id]), await match(2, r[4].id, [r[2].id])];
      m.push(await match(3, r[3].id, []));
      const queue = async () =>
        (await as(manager).get('/people/matches?status=pending&limit=100').expect(200)).body.items.filter(
          (x: { candidatePerson: { id: string } }) => x.candidatePerson.id === holder.id,
        ) as Array<{ id: string; pendingPerson: { id: string }; intakes: Array<{ personId: string }>; version: number }>;
      const listed = (items: Awaited<ReturnType<typeof queue>>) =>
        items.flatMap((x) => [x.pendingPerson.id, ...x.intakes.map((i) => i.personId)]).sort();
      expect(listed(await queue())).toEqual([r[0], r[1], r[1], r[2], r[2], r[3], r[3], r[4]].map((x) => x.id).sort());

      // The managers' list shows every record of each match (its pending person, the holder, each intake): each audited as a read.
      const requestId = `matches-${holder.id}`;
      const shown = (
        await t.http
          .get('/people/matches?status=pending&limit=100')
          .set('authorization', manager.auth)
          .set('x-request-id', requestId)
          .expect(200)
      ).body.items.flatMap(
        (x: { pendingPerson: { id: string }; candidatePerson: { id: string }; intakes: Array<{ personId: string }> }) => [
          x.pendingPerson.id,
          x.candidatePerson.id,
          ...x.intakes.map((i) => i.personId),
        ],
      );
      const reads = await t.sql<{ subject_person_id: string }>(
        `SELECT subject_person_id FROM audit_events WHERE request_id = $1 AND action = 'person.read' ORDER BY id`,
        [requestId],
      );
      expect(reads.map((a) => a.subject_person_id)).toEqual(shown);
      expect(shown).toEqual(expect.arrayContaining(r.map((x) => x.id)));

      // The migration, run on that state (its function dropped first, as a database from before it has none).
      await t.sql('DROP FUNCTION person_matches_settle_double_counts()');
      const runner = t.app.get(Db).dataSource.createQueryRunner();
      try {
        await runner.startTransaction();
        await new PersonMatchOneMatchPerRecord1796650000000().up(runner);
        await runner.commitTransaction();
      } finally {
        await runner.release();
      }

      const after = await queue();
      expect(listed(after)).toEqual(r.map((x) => x.id).sort());
      expect(after.map((x) => [x.id, x.pendingPerson.id, x.intakes.map((i) => i.personId), x.version])).toEqual([
        [m[0], r[0].id, [r[1].id, r[2].id], 1],
        [m[1], r[3].id, [], 2],
        [m[2], r[4].id, [], 2],
      ]);
      expect(await t.sql(`SELECT status, resolved_by FROM person_matches WHERE id = $1`, [m[3]])).toEqual([
        { status: 'withdrawn', resolved_by: null },
      ]);
      const audited = await t.sql<{ resource_id: string; actor_id: string | null; subject_person_id: string; details: unknown }>(
        `SELECT resource_id, actor_id, subject_person_id, details FROM audit_events WHERE action = 'person.match-withdraw' AND resource_id = ANY($1::text[]) ORDER BY id`,
        [m],
      );
      const withdrawal = (personId: string, part: string, status: string, pendingPersonId: string, keptOn: string) => ({
        personId,
        part,
        status,
        pendingPersonId,
        keptOn,
        reason: 'counted-on-older-match',
        via: 'migration',
      });
      expect(audited).toEqual([
        {
          resource_id: m[3],
          actor_id: null,
          subject_person_id: holder.id,
          details: withdrawal(r[3].id, 'pending-person', 'withdrawn', r[3].id, m[1]),
        },
        {
          resource_id: m[2],
          actor_id: null,
          subject_person_id: holder.id,
          details: withdrawal(r[2].id, 'intake', 'pending', r[4].id, m[0]),
        },
        {
          resource_id: m[1],
          actor_id: null,
          subject_person_id: holder.id,
          details: withdrawal(r[1].id, 'pending-person', 'pending', r[3].id, m[0]),
        },
      ]);
      // Run again, nothing is left to settle; each record is settled once, by the match it was kept on.
      expect(await t.sql(`SELECT person_matches_settle_double_counts() AS settled`)).toEqual([{ settled: 0 }]);
      await as(manager).post(`/people/matches/${m[0]}/resolve`, { outcome: 'different-person' }).expect(200);
      await as(manager).post(`/people/matches/${m[1]}/resolve`, { outcome: 'same-person' }).expect(200);
      for (const x of [r[0], r[1], r[2]]) expect((await as(manager).get(`/people/${x.id}`).expect(200)).body.sameAs).toBeNull();
      expect((await as(manager).get(`/people/${r[3].id}`).expect(200)).body.sameAs).toBe(holder.id);
    });

    it('mass assignment: an unknown or server-owned field is 400 and changes nothing; names may not be cleared', async () => {
      const p = await person();
      for (const body of [{ createdBy: manager.id }, { version: 9, givenName: 'Changed' }, { id: randomUUID() }, { familyName: null }]) {
        await as(manager).patch(`/people/${p.id}`, body).expect(400);
      }
      const [row] = await t.sql(`SELECT given_name, family_name, created_by, version FROM persons WHERE id = $1`, [p.id]);
      expect(row).toEqual({ given_name: 'Samuela', family_name: p.familyName, created_by: manager.id, version: 1 });
    });

    it('an allocated AMHP may change the person; one on duty may read but not change; a referrer may not change', async () => {
      const allocated = await t.user(['amhp']);
      const duty = await t.user(['amhp']);
      const p = await person();
      await grant(allocated.id, p.id, 'allocated');
      await grant(duty.id, p.id, 'duty');
      await grant(referrer.id, p.id, 'referrer');
      const res = await as(allocated).patch(`/people/${p.id}`, { communicationNeeds: 'Uses BSL' }).expect(200);
      const [audit] = await t.sql(`SELECT access_basis FROM audit_events WHERE action = 'person.update' AND subject_person_id = $1`, [
        p.id,
      ]);
      expect(audit).toEqual({ access_basis: 'relationship:allocated' });
      expect(res.body.communicationNeeds).toBe('Uses BSL');
      await as(duty).get(`/people/${p.id}`).expect(200);
      await as(duty).patch(`/people/${p.id}`, { communicationNeeds: 'x' }).expect(403);
      await as(referrer).patch(`/people/${p.id}`, { communicationNeeds: 'x' }).expect(403);
    });
  });

  describe("findOrCreate, for referral intake (called inside the caller's transaction)", () => {
    const actorOf = (u: TestUser): Actor => ({ userId: u.id, email: u.email, displayName: 'Test', roles: u.roles, via: 'local' });
    const findOrCreate = (u: TestUser, dto: Record<string, unknown>) =>
      t.app
        .get(Db)
        .transaction((m) => t.app.get(PeopleService).findOrCreate(m, actorOf(u), { givenName: 'Tomasz', familyName: 'Unused', ...dto }));

    it('to a caller who may read them, returns the person already recorded with the NHS number (no duplicate, record unchanged), naming fields that differ', async () => {
      const existing = await person();
      const found = await findOrCreate(manager, {
        nhsNumber: existing.nhsNumber,
        givenName: 'SAMUELA',
        familyName: 'Different',
        dateOfBirth: existing.dateOfBirth,
      });
      expect(found).toMatchObject({
        created: false,
        discrepancies: ['familyName'],
        person: { id: existing.id, familyName: existing.familyName, version: 1 },
      });
      expect(await t.sql('SELECT 1 FROM persons WHERE nhs_number = $1', [existing.nhsNumber])).toHaveLength(1);
      const audit = await t.sql(`SELECT actor_id, details FROM audit_events WHERE action = 'person.match' AND subject_person_id = $1`, [
        existing.id,
      ]);
      expect(audit).toEqual([{ actor_id: manager.id, details: { matchedBy: 'nhsNumber', discrepancies: ['familyName'] } }]);
    });

    it('to a referrer who gives the NHS number without the recorded names and date of birth, returns a new pending person, never the recorded one', async () => {
      const existing = await person();
      const found = await findOrCreate(referrer, { nhsNumber: existing.nhsNumber, givenName: 'SAMUELA', familyName: 'Different' });
      expect(found.created).toBe(true);
      expect(found.pendingMatchId).toEqual(expect.any(String));
      expect(found.person.id).not.toBe(existing.id);
      // Shown as a new number's record is (the number sent), while the record does not hold it: the match does.
      expect(found.person).toMatchObject({ nhsNumber: existing.nhsNumber, familyName: 'Different' });
      expect(await t.sql('SELECT nhs_number FROM persons WHERE id = $1', [found.person.id])).toEqual([{ nhs_number: null }]);
      expect(await t.sql('SELECT 1 FROM persons WHERE nhs_number = $1', [existing.nhsNumber])).toHaveLength(1);
    });

    it('creates the person when the NHS number is new or not given, audited as person.create by the actor', async () => {
      const nhs = nhsNumber();
      const familyName = surname('Intake');
      identifying.push(nhs, familyName);
      const made = await findOrCreate(referrer, { nhsNumber: nhs, familyName });
      expect(made).toMatchObject({ created: true, discrepancies: [], person: { nhsNumber: nhs, familyName } });
      const again = await findOrCreate(manager, { nhsNumber: nhs, familyName });
      expect(again).toMatchObject({ created: false, person: { id: made.person.id } });
      const anonymous = await findOrCreate(referrer, { familyName });
      expect(anonymous.created).toBe(true);
      expect(await countByFamilyName(familyName)).toBe(2);
      const audit = await t.sql(`SELECT actor_id FROM audit_events WHERE action = 'person.create' AND subject_person_id = $1`, [
        made.person.id,
      ]);
      expect(audit).toEqual([{ actor_id: referrer.id }]);
    });

    it('applies the same rules as POST /people: a bad NHS number or a future date of birth is refused and nothing is stored', async () => {
      const familyName = surname('Rules');
      await expect(findOrCreate(referrer, { nhsNumber: '1234567890', familyName })).rejects.toMatchObject({ status: 400 });
      await expect(findOrCreate(referrer, { familyName, dateOfBirth: '2030-01-01' })).rejects.toMatchObject({
        status: 422,
        code: 'date-of-birth-in-future',
      });
      expect(await countByFamilyName(familyName)).toBe(0);
    });
  });

  it('concurrent creations with one NHS number make one person: the others get 409, never a 500', async () => {
    const nhs = nhsNumber();
    const familyName = surname('Race');
    identifying.push(nhs, familyName);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => as(manager).post('/people', { nhsNumber: nhs, givenName: 'Samuela', familyName })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const id = results.find((r) => r.status === 201)!.body.id;
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.existingId).toBe(id);
    expect(await countByFamilyName(familyName)).toBe(1);
  });

  it('the audit log never holds a name, NHS number or date of birth: not for a create, read, search, update, duplicate or denial', async () => {
    const amhp = await t.user(['amhp']);
    const p = await person({ givenName: 'Marguerite', familyName: surname('Featherstonehaugh'), dateOfBirth: '1971-02-03' });
    await as(manager).get(`/people/${p.id}`).expect(200);
    await as(amhp).get(`/people/${p.id}`).expect(403);
    await as(manager).get(`/people?nhsNumber=${p.nhsNumber}`).expect(200);
    await as(manager).get(`/people?familyName=${p.familyName}&dateOfBirth=${p.dateOfBirth}&givenName=Marg`).expect(200);
    await as(referrer).get(`/people?nhsNumber=${p.nhsNumber}`).expect(403);
    await as(manager).post('/people', { nhsNumber: p.nhsNumber, givenName: 'Marguerite', familyName: p.familyName }).expect(409);
    await as(manager)
      .patch(`/people/${p.id}`, { familyName: `${p.familyName}-Smythe`, dateOfBirth: '1971-02-04' })
      .expect(200);
    identifying.push(`${p.familyName}-Smythe`, '1971-02-04');

    const rows = await t.sql<{ subject: string | null; text: string }>(
      `SELECT subject_person_id AS subject, concat_ws('|', action, resource_type, resource_id, access_basis, details::text) AS text FROM audit_events`,
    );
    const own = rows.filter((r) => r.subject === p.id).map((r) => r.text.split('|')[0]);
    expect(own.sort()).toEqual([
      'access.denied',
      'person.create',
      'person.create',
      'person.read',
      'person.search-result',
      'person.search-result',
      'person.update',
    ]);
    // Everything this file recorded, not only this test's person.
    const leaks = rows.flatMap((r) => identifying.filter((v) => r.text.includes(v)).map((v) => `${v} in ${r.text}`));
    expect(leaks).toEqual([]);
  });
});
