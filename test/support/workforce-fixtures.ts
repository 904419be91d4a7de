import type { Role } from '../../src/auth/roles';
import { nameWords, searchText } from '../../src/doctors/doctor.rules';
import type { TestApp, TestUser } from './test-app';

/** An AMHP with a practitioner record, a current approval and this year's training, straight into the database. */
export async function amhp(
  t: TestApp,
  opts: {
    skills?: string[];
    approval?: { startsOn: string; endsOn: string } | null;
    displayName?: string;
    /** The account's roles (an AMHP who is also an auditor, say); amhp alone unless given. */
    roles?: Role[];
  } = {},
): Promise<TestUser & { practitionerId: string }> {
  const user = await t.user(opts.roles ?? ['amhp'], opts.displayName ? { displayName: opts.displayName } : {});
  const [{ id }] = await t.sql<{ id: string }>(
    `INSERT INTO practitioners (user_id, profession, registration_body, registration_number, registration_checked_on, skills)
     VALUES ($1, 'social-worker', 'Social Work England', $2, '2026-10-01', $3) RETURNING id`,
    [user.id, `SW${Math.floor(Math.random() * 1e7)}`, opts.skills ?? []],
  );
  if (opts.approval !== null) {
    const a = opts.approval ?? { startsOn: '2026-01-01', endsOn: '2030-12-31' };
    // Her first approval, so with the approved AMHP course completed before it (AMHP-02).
    await t.sql(
      `INSERT INTO approvals (practitioner_id, approving_authority, starts_on, ends_on, approved_course_completed_on)
       VALUES ($1, 'Northshire County Council', $2, $3, $2::date - 60)`,
      [id, a.startsOn, a.endsOn],
    );
    await t.sql(
      `INSERT INTO training_records (practitioner_id, completed_on, hours, provider, topic, recorded_by) VALUES ($1, $2, 18, 'Forum', 'Update', $3)`,
      [id, a.startsOn, user.id],
    );
  }
  return { ...user, practitionerId: id };
}

/** A doctor on the register, with a s.12 (or other) approval in force from 2025 to 2029 when `kind` is given. */
export async function insertDoctor(t: TestApp, name: string, gmcNumber: string, kind?: string): Promise<string> {
  const [{ id }] = await t.sql<{ id: string }>(`INSERT INTO doctors (name, gmc_number, search_name) VALUES ($1, $2, $3) RETURNING id`, [
    name,
    gmcNumber,
    searchText(nameWords(name)),
  ]);
  if (kind)
    await t.sql(`INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on) VALUES ($1, $2, '2025-01-01', '2029-12-31')`, [
      id,
      kind,
    ]);
  return id;
}

/** The id of the practitioner's (only) approval. */
export async function approvalOf(t: TestApp, practitionerId: string): Promise<string> {
  return (await t.sql<{ id: string }>('SELECT id FROM approvals WHERE practitioner_id = $1', [practitionerId]))[0].id;
}

/**
 * A shift already over, as the rota stood when it was worked, straight into the database: the API adds no shift that
 * is over (ROTA-WORKED). Its local date is taken in London.
 */
export async function shiftWorked(t: TestApp, startsAt: string, endsAt: string, label = 'Worked shift'): Promise<{ id: string }> {
  const [row] = await t.sql<{ id: string }>(
    `INSERT INTO shifts (local_date, label, starts_at, ends_at, required_count, updated_at)
     VALUES (($2::timestamptz AT TIME ZONE 'Europe/London')::date, $1, $2, $3, 1, $2) RETURNING id`,
    [label, startsAt, endsAt],
  );
  return row;
}

/**
 * An AMHP on a shift from its start, as the rota had her before it began, however long ago: the history a test needs
 * of shifts already worked or under way. (Through the API she is put on a shift under way only from the moment it is
 * asked, and on none that is over: ROTA-WORKED.) Returns the assignment's id.
 */
export async function rosteredFromStart(t: TestApp, shiftId: string, a: { id: string; practitionerId: string }): Promise<string> {
  const [{ id }] = await t.sql<{ id: string }>(
    `INSERT INTO shift_assignments (shift_id, practitioner_id, user_id, starts_at, ends_at, created_by)
     SELECT s.id, $2, $3, s.starts_at, s.ends_at, $3 FROM shifts s WHERE s.id = $1 RETURNING id`,
    [shiftId, a.practitionerId, a.id],
  );
  return id;
}
