import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { takeEmailLookAlikeTurn } from '../auth/account-email';
import { UsersService } from '../auth/users.service';
import { Clock } from '../common/clock';
import { assertVersion, type ExpectedVersion } from '../common/etag';
import { badCursor, decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination';
import { BadRequestProblem, ConflictProblem, NotFoundProblem, PreconditionFailedProblem, UnprocessableProblem } from '../common/problem';
import { AppConfig } from '../config/app-config';
import { Db } from '../database/db';
import { IsoDate, localDate } from '../statute/time';
import { confusableWith } from '../statute/visible-text';
import type { DoctorApprovalKind, DoctorContactNumber } from './doctor.entity';
import { doctorEmailsSql } from './doctors.tables';
import {
  approvalOn as approvalsCovering,
  displayPhone,
  nameWords,
  periodProblem,
  queryWords,
  searchText,
  searchWords,
  ukPhone,
} from './doctor.rules';
import {
  ApprovalStatusDto,
  ContactNumberInputDto,
  CreateDoctorApprovalDto,
  CreateDoctorDto,
  DoctorApprovalDto,
  DoctorDto,
  DoctorQuery,
  KindStatusDto,
  UpdateDoctorDto,
} from './dto/doctor.dto';

interface DoctorRow {
  id: string;
  name: string;
  gmc_number: string;
  organisation: string | null;
  email: string | null;
  contact_numbers: DoctorContactNumber[];
  notes: string | null;
  active: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
  /** lower(name) as Postgres computes it: the list's keyset after the rank. */
  sort_name: string;
  /** The order recorded in (bigint, as text): what breaks a tie of names in the list and its cursor, never the id. */
  seq: string;
  /** With a name search: 0 every word is a whole word of the name, 1 word prefixes of the name, 2 the organisation too. */
  rank: number;
}

const DOCTOR_COLUMNS = `d.id, d.name, d.gmc_number, d.organisation, d.email, d.contact_numbers, d.notes, d.active, d.version, d.created_at, d.updated_at, lower(d.name) AS sort_name, d.seq`;
// Dates as text: node-pg would turn a `date` into a JS Date at local midnight, which is not a calendar date.
const APPROVAL_COLUMNS = `a.id, a.doctor_id AS "doctorId", a.kind, to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn", a.approving_body AS "approvingBody", a.created_at AS "createdAt"`;

/** One period of approval on the register, as other modules are told of it (and may keep it). */
export interface RegisterPeriod {
  approvalId: string;
  startsOn: IsoDate;
  endsOn: IsoDate;
  approvingBody: string | null;
}

/** The period of each kind covering a date, or null (approvalsOn). */
export interface RegisterApprovalOn {
  s12: RegisterPeriod | null;
  approvedClinician: RegisterPeriod | null;
}

interface ApprovalRow {
  id: string;
  doctorId: string;
  kind: DoctorApprovalKind;
  startsOn: string;
  endsOn: string;
  approvingBody: string | null;
  createdAt: Date;
}

function approvalDto(a: ApprovalRow): DoctorApprovalDto {
  return {
    id: a.id,
    kind: a.kind,
    startsOn: a.startsOn,
    endsOn: a.endsOn,
    approvingBody: a.approvingBody,
    createdAt: a.createdAt.toISOString(),
  };
}

function doctorDto(d: DoctorRow, approvals: ApprovalRow[], today: IsoDate): DoctorDto {
  const on = approvalsCovering(approvals, today);
  return {
    id: d.id,
    name: d.name,
    gmcNumber: d.gmc_number,
    organisation: d.organisation,
    email: d.email,
    contactNumbers: d.contact_numbers.map((c) => ({ label: c.label, number: c.number, display: displayPhone(c.number) })),
    notes: d.notes,
    active: d.active,
    approvals: approvals.map(approvalDto),
    currentStatus: { s12: on.s12 !== null, approvedClinician: on.approvedClinician !== null },
    version: d.version,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
  };
}

function kindStatus(a: ApprovalRow | null): KindStatusDto {
  return { approved: a !== null, period: a && { id: a.id, startsOn: a.startsOn, endsOn: a.endsOn, approvingBody: a.approvingBody } };
}

/** LIKE treats `%`, `_` and `\` specially; a search for "50%" means the characters. */
function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The numbers in E.164 with their labels; the same number twice is 422 naming the second. */
function contactNumbers(input: readonly ContactNumberInputDto[]): DoctorContactNumber[] {
  const seen = new Map<string, number>();
  return input.map((c, i) => {
    const parsed = ukPhone(c.number);
    const field = `contactNumbers.${i}.number`;
    if (!parsed)
      throw new UnprocessableProblem(`${field}: not a UK telephone number`, 'phone-number-invalid', {
        errors: [{ field, messages: ['number must be a UK telephone number'] }],
      });
    if (seen.has(parsed.e164))
      throw new UnprocessableProblem(`${field}: the same number as contactNumbers.${seen.get(parsed.e164)}`, 'phone-number-repeated', {
        errors: [{ field, messages: [`number repeats contactNumbers.${seen.get(parsed.e164)}.number`] }],
      });
    seen.set(parsed.e164, i);
    return { label: c.label, number: parsed.e164 };
  });
}

/** The folded words stored for searching (doctor.rules.ts). */
function searchColumns(name: string, organisation: string | null): { searchName: string; searchOrganisation: string } {
  return { searchName: searchText(nameWords(name)), searchOrganisation: searchText(searchWords(organisation ?? '')) };
}

function assertPeriods(periods: CreateDoctorApprovalDto[], field: (i: number) => string): void {
  const errors = periods.flatMap((p, i) => {
    const problem = periodProblem(p);
    return problem ? [{ field: field(i), messages: [problem] }] : [];
  });
  if (errors.length)
    throw new UnprocessableProblem(errors.map((e) => `${e.field}: ${e.messages[0]}`).join('; '), 'approval-period-invalid', { errors });
}

/**
 * The register of external doctors: s.12(2)-approved doctors and approved clinicians, with their approval periods.
 * A doctor and their approvals are one aggregate: adding or removing an approval moves the doctor's version.
 */
@Injectable()
export class DoctorsService {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  /**
   * Who each register doctor is, for other modules: their GMC reference number by id, read in one statement. "Different
   * doctors" (s.12, APP-07, APP-11) is judged on it, not on the name.
   */
  async gmcNumbers(m: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
    if (!ids.length) return new Map();
    const rows: Array<{ id: string; gmc_number: string }> = await m.query('SELECT id, gmc_number FROM doctors WHERE id = ANY($1::uuid[])', [
      [...new Set(ids)],
    ]);
    return new Map(rows.map((r) => [r.id, r.gmc_number]));
  }

  /** Every doctor's id and name, by name (two of one name in the order recorded). */
  async names(m: EntityManager): Promise<Array<{ id: string; name: string }>> {
    return m.query('SELECT id, name FROM doctors ORDER BY name, seq');
  }

  async list(q: DoctorQuery): Promise<Page<DoctorDto>> {
    if (q.kind && !q.approvedOn)
      throw new BadRequestProblem('kind says which approval must cover approvedOn; give approvedOn too.', [
        { field: 'kind', messages: ['kind needs approvedOn'] },
      ]);
    const limit = q.limit ?? DEFAULT_PAGE_SIZE;
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    const where: string[] = [];
    // Each query word must start a word of the name or of the organisation: `search_name LIKE '% bel%'`, which the
    // trigram indexes answer (doctors_search_name_idx, doctors_search_organisation_idx). Titles in the query are left
    // out ("Dr Bello" finds "bello"); a query of titles alone ("Dr") narrows nothing.
    const words = q.q ? queryWords(q.q) : [];
    let rank = '0';
    if (words.length) {
      const prefixes = words.map((w) => param(`% ${likeEscape(w)}%`));
      const wholes = words.map((w) => param(` ${w} `));
      where.push(...prefixes.map((p) => `(d.search_name LIKE ${p} OR d.search_organisation LIKE ${p})`));
      // 0: every word is a whole word of the name; 1: every word starts a word of the name; 2: the organisation helped.
      rank = `(CASE WHEN ${wholes.map((p) => `strpos(d.search_name || ' ', ${p}) > 0`).join(' AND ')} THEN 0
                    WHEN ${prefixes.map((p) => `d.search_name LIKE ${p}`).join(' AND ')} THEN 1 ELSE 2 END)`;
    }
    if (q.organisation) {
      const orgWords = searchWords(q.organisation);
      if (!orgWords.length) where.push('false');
      for (const w of orgWords) where.push(`d.search_organisation LIKE ${param(`% ${likeEscape(w)}%`)}`);
    }
    if (q.active !== undefined) where.push(`d.active = ${param(q.active)}`);
    if (q.approvedOn) {
      const on = param(q.approvedOn);
      const kind = q.kind ? ` AND a.kind = ${param(q.kind)}` : '';
      where.push(
        `EXISTS (SELECT 1 FROM doctor_approvals a WHERE a.doctor_id = d.id AND a.starts_on <= ${on}::date AND a.ends_on >= ${on}::date${kind})`,
      );
    }
    // Keyset: (rank, lower(name), seq); the rank is 0 for every row when there is no name search. Two doctors of one
    // name come in the order they were recorded (seq), never by their random ids; a cursor that carries an id (given
    // before seq broke the tie) is a 400 naming cursor.
    const ranked = `SELECT ${DOCTOR_COLUMNS}, ${rank} AS rank FROM doctors d ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
    const after: string[] = [];
    if (q.cursor) {
      const [cursorRank, name, seq] = decodeCursor(q.cursor, ['number', 'string', 'bigint']) as [number, string, string];
      if (![0, 1, 2].includes(cursorRank)) throw badCursor();
      after.push(`(r.rank, r.sort_name, r.seq) > (${param(cursorRank)}, ${param(name)}, ${param(seq)}::bigint)`);
    }
    const m = this.db.manager;
    const rows: DoctorRow[] = await m.query(
      `SELECT * FROM (${ranked}) r ${after.length ? `WHERE ${after.join(' AND ')}` : ''} ORDER BY r.rank, r.sort_name, r.seq LIMIT ${param(limit + 1)}`,
      params,
    );
    const approvals = await this.approvalsOf(
      m,
      rows.map((r) => r.id),
    );
    const today = this.today();
    return pageOf(
      rows,
      limit,
      (r) => [r.rank, r.sort_name, String(r.seq)],
      (r) => doctorDto(r, approvals.get(r.id) ?? [], today),
    );
  }

  async get(id: string): Promise<DoctorDto> {
    // Joins the caller's transaction when there is one (a doctor recorded in it is visible).
    return this.load(this.db.manager, id);
  }

  async create(dto: CreateDoctorDto): Promise<DoctorDto> {
    const periods = dto.approvals ?? [];
    assertPeriods(periods, (i) => `approvals.${i}.endsOn`);
    const numbers = contactNumbers(dto.contactNumbers ?? []);
    const search = searchColumns(dto.name, dto.organisation ?? null);
    return this.db.transaction(async (m) => {
      await this.refuseLookAlikeEmail(m, dto.email, null);
      const now = this.clock.now();
      // ON CONFLICT rather than a unique violation: the transaction stays usable, so a racing duplicate also gets
      // the 409 naming the doctor who won, not a bare constraint error.
      const inserted: Array<{ id: string }> = await m.query(
        `INSERT INTO doctors (name, gmc_number, organisation, email, contact_numbers, notes, search_name, search_organisation, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
         ON CONFLICT (gmc_number) DO NOTHING RETURNING id`,
        [
          dto.name,
          dto.gmcNumber,
          dto.organisation ?? null,
          dto.email ?? null,
          JSON.stringify(numbers),
          dto.notes ?? null,
          search.searchName,
          search.searchOrganisation,
          now,
        ],
      );
      if (!inserted.length) {
        const [existing] = await m.query('SELECT id FROM doctors WHERE gmc_number = $1', [dto.gmcNumber]);
        throw new ConflictProblem(`A doctor with GMC number ${dto.gmcNumber} is already in the register.`, 'gmc-number-taken', {
          existingId: existing?.id ?? null,
        });
      }
      const id = inserted[0].id;
      const approvals: Array<{ id: string; kind: string }> = periods.length
        ? await m.query(
            `INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on, approving_body, created_at)
             SELECT $1, x.kind, x.starts_on, x.ends_on, x.approving_body, $6::timestamptz
               FROM unnest($2::text[], $3::date[], $4::date[], $5::text[]) AS x(kind, starts_on, ends_on, approving_body)
             RETURNING id, kind`,
            [
              id,
              periods.map((p) => p.kind),
              periods.map((p) => p.startsOn),
              periods.map((p) => p.endsOn),
              periods.map((p) => p.approvingBody ?? null),
              now,
            ],
          )
        : [];
      await this.audit.record(m, {
        at: now,
        action: 'doctor.create',
        resourceType: 'doctor',
        resourceId: id,
        details: { approvals: approvals.map((a) => ({ id: a.id, kind: a.kind })) },
      });
      return this.load(m, id);
    });
  }

  /** Compare-and-set on `version`: a stale If-Match, or a concurrent change, never overwrites silently. */
  async update(id: string, dto: UpdateDoctorDto, expectedVersion: ExpectedVersion): Promise<DoctorDto> {
    return this.db.transaction(async (m) => {
      const version = await this.lockForChange(m, id, expectedVersion);
      await this.refuseLookAlikeEmail(m, dto.email, id);
      const sets: string[] = [];
      const params: unknown[] = [id, version];
      const changed: string[] = [];
      const set = (column: string, field: string, value: unknown) => {
        params.push(value);
        sets.push(`${column} = $${params.length}`);
        changed.push(field);
      };
      if (dto.name !== undefined) set('name', 'name', dto.name);
      if (dto.organisation !== undefined) set('organisation', 'organisation', dto.organisation);
      if (dto.email !== undefined) set('email', 'email', dto.email);
      if (dto.contactNumbers !== undefined) set('contact_numbers', 'contactNumbers', JSON.stringify(contactNumbers(dto.contactNumbers)));
      if (dto.notes !== undefined) set('notes', 'notes', dto.notes);
      if (dto.active !== undefined) set('active', 'active', dto.active);
      if (!sets.length) return this.load(m, id);
      if (dto.name !== undefined || dto.organisation !== undefined) {
        const [current]: Array<{ name: string; organisation: string | null }> = await m.query(
          'SELECT name, organisation FROM doctors WHERE id = $1',
          [id],
        );
        const search = searchColumns(dto.name ?? current.name, dto.organisation === undefined ? current.organisation : dto.organisation);
        params.push(search.searchName, search.searchOrganisation);
        sets.push(`search_name = $${params.length - 1}`, `search_organisation = $${params.length}`);
      }
      const now = this.clock.now();
      params.push(now);
      const [rows] = await m.query(
        `UPDATE doctors SET ${sets.join(', ')}, version = version + 1, updated_at = $${params.length} WHERE id = $1 AND version = $2 RETURNING id`,
        params,
      );
      if (!rows.length) throw new PreconditionFailedProblem('The doctor was changed by someone else meanwhile; fetch it again and retry.');
      await this.audit.record(m, {
        action: 'doctor.update',
        resourceType: 'doctor',
        resourceId: id,
        details: { fields: changed },
        at: now,
      });
      return this.load(m, id);
    });
  }

  async addApproval(doctorId: string, dto: CreateDoctorApprovalDto, expectedVersion: ExpectedVersion): Promise<DoctorDto> {
    assertPeriods([dto], () => 'endsOn');
    return this.db.transaction(async (m) => {
      await this.lockForChange(m, doctorId, expectedVersion);
      const now = this.clock.now();
      const [approval]: Array<{ id: string }> = await m.query(
        'INSERT INTO doctor_approvals (doctor_id, kind, starts_on, ends_on, approving_body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [doctorId, dto.kind, dto.startsOn, dto.endsOn, dto.approvingBody ?? null, now],
      );
      await m.query('UPDATE doctors SET version = version + 1, updated_at = $2 WHERE id = $1', [doctorId, now]);
      await this.audit.record(m, {
        at: now,
        action: 'doctor-approval.add',
        resourceType: 'doctor',
        resourceId: doctorId,
        details: { approvalId: approval.id, kind: dto.kind },
      });
      return this.load(m, doctorId);
    });
  }

  /** For an approval entered in error; a lapsed approval stays in the register as history. */
  async removeApproval(doctorId: string, approvalId: string, expectedVersion: ExpectedVersion): Promise<void> {
    await this.db.transaction(async (m) => {
      await this.lockForChange(m, doctorId, expectedVersion);
      const [rows]: [Array<{ kind: string; startsOn: string; endsOn: string; approvingBody: string | null }>] = await m.query(
        `DELETE FROM doctor_approvals a WHERE a.id = $1 AND a.doctor_id = $2
         RETURNING a.kind, to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn", a.approving_body AS "approvingBody"`,
        [approvalId, doctorId],
      );
      if (!rows.length) throw new NotFoundProblem('Approval', approvalId);
      const now = this.clock.now();
      await m.query('UPDATE doctors SET version = version + 1, updated_at = $2 WHERE id = $1', [doctorId, now]);
      // The period removed is kept in the audit whole: what the register said, and so what was relied on, can be told.
      // A made application keeps the approval it rested on with its recommendations (approvalsOn, MED-03).
      const { kind, startsOn, endsOn, approvingBody } = rows[0];
      await this.audit.record(m, {
        at: now,
        action: 'doctor-approval.remove',
        resourceType: 'doctor',
        resourceId: doctorId,
        details: { approvalId, kind, startsOn, endsOn, approvingBody },
      });
    });
  }

  /** The periods covering `date` (default: today in the service time zone). */
  async approvalStatus(doctorId: string, date?: IsoDate): Promise<ApprovalStatusDto> {
    const on = date ?? this.today();
    const found = approvalsCovering(await this.approvalsOfDoctor(this.db.manager, doctorId), on);
    return { date: on, s12: kindStatus(found.s12), approvedClinician: kindStatus(found.approvedClinician) };
  }

  /**
   * MED-03's facts for other modules: was each doctor s.12-approved, or an approved clinician, on its `date` (the
   * examination date, a local date YYYY-MM-DD)? The period of each kind covering it, or null, which the caller may keep
   * (a made application keeps what its recommendations rested on). In the order asked, their approvals read in one
   * statement however many (approvalsOf: an assessment's recommendations). The doctors are ones a record refers to (a
   * foreign key to the register), so each exists. The hub's `active` flag plays no part: approval is a statutory fact.
   */
  async approvalsOn(asked: Array<{ doctorId: string; date: IsoDate }>): Promise<RegisterApprovalOn[]> {
    const approvals = await this.approvalsOf(this.db.manager, [...new Set(asked.map((a) => a.doctorId))]);
    const period = (a: ApprovalRow | null): RegisterPeriod | null =>
      a && { approvalId: a.id, startsOn: a.startsOn, endsOn: a.endsOn, approvingBody: a.approvingBody };
    return asked.map(({ doctorId, date }) => {
      const found = approvalsCovering(approvals.get(doctorId) ?? [], date);
      return { s12: period(found.s12), approvedClinician: period(found.approvedClinician) };
    });
  }

  /**
   * A doctor's email that a reader cannot tell from another doctor's on the register, or from a hub account's, but
   * that is not the same address (lookingAlike: another script's look-alike letters, 1 for l, rn for m) is refused:
   * 409 `email-look-alike` naming `email`, and nothing changes. An AMHP writing to the doctor she picked from the
   * register could otherwise be writing to someone else, and one of the two addresses is a slip or an impersonation
   * the manager must sort out. The very same address is not refused: it names no one else (a practice's shared
   * mailbox, a doctor who also holds an account). The addresses are compared in the turn of the form they share
   * (takeEmailLookAlikeTurn), which an account's address takes too (claimAccountEmail, which refuses one reading as a
   * doctor's alike), so two looking alike sent at once, two doctors' or a doctor's and an account's, are not both kept.
   */
  private async refuseLookAlikeEmail(m: EntityManager, email: string | null | undefined, exceptId: string | null): Promise<void> {
    if (!email) return;
    await takeEmailLookAlikeTurn(m, email);
    const held: Array<{ id: string; email: string }> = await m.query(doctorEmailsSql('$1::uuid IS NULL OR d.id <> $1'), [exceptId]);
    const doctors = confusableWith(email, held);
    const accounts = confusableWith(email, await this.users.lookingLike(m, email));
    if (!doctors.length && !accounts.length) return;
    const whose = doctors.length ? `doctor ${doctors[0].id}'s (${doctors[0].email})` : "a hub account's";
    throw new ConflictProblem(
      `email looks the same as ${whose} but is not the same address: check which is right before it is kept.`,
      'email-look-alike',
      {
        errors: [
          { field: 'email', messages: [`email looks the same as ${doctors.length ? "another doctor's" : "a hub account's"} address`] },
        ],
        lookAlikeDoctorIds: doctors.map((d) => d.id),
        lookAlikeAccount: accounts.length > 0,
      },
    );
  }

  private today(): IsoDate {
    return localDate(this.clock.now(), this.config.timeZone);
  }

  /** Locks the doctor row for this transaction and checks If-Match; returns the current version. */
  private async lockForChange(m: EntityManager, id: string, expectedVersion: ExpectedVersion): Promise<number> {
    const [row]: Array<{ version: number }> = await m.query('SELECT version FROM doctors WHERE id = $1 FOR UPDATE', [id]);
    if (!row) throw new NotFoundProblem('Doctor', id);
    assertVersion(expectedVersion, row.version);
    return row.version;
  }

  private async load(m: EntityManager, id: string): Promise<DoctorDto> {
    const [row]: DoctorRow[] = await m.query(`SELECT ${DOCTOR_COLUMNS} FROM doctors d WHERE d.id = $1`, [id]);
    if (!row) throw new NotFoundProblem('Doctor', id);
    const approvals = await this.approvalsOf(m, [id]);
    return doctorDto(row, approvals.get(id) ?? [], this.today());
  }

  private async approvalsOfDoctor(m: EntityManager, doctorId: string): Promise<ApprovalRow[]> {
    const [doctor] = await m.query('SELECT 1 FROM doctors WHERE id = $1', [doctorId]);
    if (!doctor) throw new NotFoundProblem('Doctor', doctorId);
    return (await this.approvalsOf(m, [doctorId])).get(doctorId) ?? [];
  }

  private async approvalsOf(m: EntityManager, doctorIds: string[]): Promise<Map<string, ApprovalRow[]>> {
    const byDoctor = new Map<string, ApprovalRow[]>();
    if (!doctorIds.length) return byDoctor;
    const rows: ApprovalRow[] = await m.query(
      `SELECT ${APPROVAL_COLUMNS} FROM doctor_approvals a WHERE a.doctor_id = ANY($1::uuid[]) ORDER BY a.kind, a.starts_on, a.seq`,
      [doctorIds],
    );
    for (const r of rows) {
      const list = byDoctor.get(r.doctorId) ?? [];
      list.push(r);
      byDoctor.set(r.doctorId, list);
    }
    return byDoctor;
  }
}
