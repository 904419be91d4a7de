import { assessmentFixtures } from './support/assessment-fixtures';
import { amhp as approvedAmhp, insertDoctor } from './support/workforce-fixtures';
import { createTestApp, TestApp, TestUser } from './support/test-app';

/**
 * Text that shows nothing is no record: a reason, a note or an item of a list made only of invisible characters (left-
 * to-right marks, soft hyphens, the braille blank, Hangul fillers, zero-width spaces) is refused as blank, naming the
 * field (and the item), and nothing is stored; a minimum length counts only what a reader sees. So the s.13(2)
 * interview (APP-06) cannot be "recorded" with nothing in it, and break-glass cannot be opened without a reason.
 */
describe('visible text: a reason or note that shows nothing is refused as blank', () => {
  let t: TestApp;
  let manager: TestUser;
  let s12Doctor: string;
  let gpDoctor: string;
  const fx = assessmentFixtures(() => ({ t, manager, s12Doctor, gpDoctor }));
  beforeAll(async () => {
    t = await createTestApp({ now: '2026-11-21T12:00:00Z', env: { ACCESS_TOKEN_TTL_SECONDS: '86400' } });
    manager = await t.user(['manager']);
    s12Doctor = await insertDoctor(t, 'Dr Asha Patel', '7300001', 's12');
    gpDoctor = await insertDoctor(t, 'Dr Sam Whitfield', '7300002');
  });
  afterAll(() => t.close());

  const fields = (body: { errors?: Array<{ field: string }> }) => (body.errors ?? []).map((e) => e.field);
  const codes = (body: { findings: Array<{ code: string }> }) => body.findings.map((f) => f.code);
  const invisible = ['\u200e'.repeat(25), '\u00ad'.repeat(11), '\u2800\u3164\u115f', '\u202a\u2061\u034f\ufe0f'];

  it('an interview note or an alternative made of invisible characters is 400 naming it, and the APP-06 blockers stay', async () => {
    const { worker, assessment: a } = await fx.opened();
    const before = (await fx.as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    expect(codes(before)).toEqual(expect.arrayContaining(['interview-not-recorded']));
    for (const text of invisible) {
      const note = await fx
        .as(worker)
        .patch(`/assessments/${a.id}`, { interview: { suitableMannerNotes: text, alternativesConsidered: ['Crisis team: refused'] } });
      expect({ text, status: note.status, fields: fields(note.body) }).toEqual({
        text,
        status: 400,
        fields: ['interview.suitableMannerNotes'],
      });
      const item = await fx.as(worker).patch(`/assessments/${a.id}`, {
        interview: { suitableMannerNotes: 'Quiet room at home.', alternativesConsidered: ['Crisis team: refused', text] },
      });
      expect({ text, status: item.status, fields: fields(item.body) }).toEqual({
        text,
        status: 400,
        fields: ['interview.alternativesConsidered.1'],
      });
    }
    // An empty or spaces-only item is refused the same way, naming its index.
    const empty = await fx
      .as(worker)
      .patch(`/assessments/${a.id}`, { interview: { suitableMannerNotes: 'Quiet room.', alternativesConsidered: ['', '  '] } });
    expect(empty.status).toBe(400);
    expect(fields(empty.body)).toEqual(['interview.alternativesConsidered.0', 'interview.alternativesConsidered.1']);
    const after = (await fx.as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    expect(codes(after)).toEqual(codes(before));
    expect((await t.sql<{ interview: unknown }>('SELECT interview FROM assessments WHERE id = $1', [a.id]))[0].interview).toBeNull();
  });

  it('an alternative is stored without the invisible characters at its ends, and then counts as recorded', async () => {
    const { worker, assessment: a } = await fx.opened();
    const res = await fx
      .as(worker)
      .patch(`/assessments/${a.id}`, {
        interview: { suitableMannerNotes: '\u200eQuiet room.\u00ad', alternativesConsidered: ['\u200b Crisis team: refused \u200e'] },
      })
      .expect(200);
    expect(res.body.interview).toMatchObject({ suitableMannerNotes: 'Quiet room.', alternativesConsidered: ['Crisis team: refused'] });
    const checks = (await fx.as(worker).get(`/assessments/${a.id}/checks?section=s2`).expect(200)).body;
    expect(codes(checks)).not.toEqual(expect.arrayContaining(['interview-manner-not-recorded']));
    expect(codes(checks)).not.toEqual(expect.arrayContaining(['alternatives-not-recorded']));
  });

  it('break-glass is refused a reason of invisible characters, or one that reaches 20 characters only with them', async () => {
    // An AMHP who may act as one now (break-glass is for her alone).
    const amhp = await approvedAmhp(t);
    const [{ id: personId }] = await t.sql<{ id: string }>(
      `INSERT INTO persons (given_name, family_name, created_by) VALUES ('Bg', 'Invisible', $1) RETURNING id`,
      [manager.id],
    );
    for (const reason of [...invisible, `urgent${'\u200e'.repeat(20)}`, `s136 ${'\u00ad'.repeat(10)}now`]) {
      const res = await t.http.post('/break-glass').set('authorization', amhp.auth).send({ personId, reason });
      expect({ reason, status: res.status, fields: fields(res.body) }).toEqual({ reason, status: 400, fields: ['reason'] });
    }
    expect(await t.sql('SELECT 1 FROM break_glass_sessions WHERE user_id = $1', [amhp.id])).toHaveLength(0);
    await t.http
      .post('/break-glass')
      .set('authorization', amhp.auth)
      .send({ personId, reason: 'Police at the door, s.136, no allocated AMHP' })
      .expect(201);
  });
});
