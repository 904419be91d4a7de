import type { EntityManager } from 'typeorm';
import type { IsoDate } from '../statute/time';
import type { ApprovalFacts, TrainingYearDecision } from './workforce.rules';

export interface ApprovalRecord extends ApprovalFacts {
  practitionerId: string;
  trainingDecisions: TrainingYearDecision[];
  conditions: string | null;
  /** AMHP-02: when she completed the approved AMHP course, and who approved her before, as given (null: not given). */
  approvedCourseCompletedOn: IsoDate | null;
  previouslyApprovedBy: string | null;
  endReason: string | null;
  version: number;
  suspensions: Array<ApprovalFacts['suspensions'][number] & { id: string; liftReason: string | null }>;
  /** Suspensions withdrawn as recorded in error: on the record, never in `suspensions` (the rules do not see them). */
  withdrawnSuspensions: WithdrawnSuspension[];
  /** Early ends withdrawn as recorded in error, oldest first. */
  withdrawnEnds: Array<{ endedOn: string; endReason: string; withdrawnAt: string; withdrawnBy: string; reason: string }>;
}

export interface WithdrawnSuspension {
  id: string;
  startsAt: string;
  endsAt: string | null;
  reason: string;
  withdrawnAt: string;
  withdrawnBy: string;
  withdrawalReason: string;
}

/** An approval's columns with its suspensions and its training-year decisions (JSON arrays), as the rules take them once read (approvalRecord). */
export const APPROVAL_COLUMNS = `a.id, a.practitioner_id AS "practitionerId", a.approving_authority AS "approvingAuthority",
            to_char(a.starts_on, 'YYYY-MM-DD') AS "startsOn", to_char(a.ends_on, 'YYYY-MM-DD') AS "endsOn",
            to_char(a.ended_on, 'YYYY-MM-DD') AS "endedOn", a.end_reason AS "endReason", a.conditions, a.version,
            to_char(a.approved_course_completed_on, 'YYYY-MM-DD') AS "approvedCourseCompletedOn", a.previously_approved_by AS "previouslyApprovedBy",
            coalesce((SELECT json_agg(json_build_object('id', s.id, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'reason', s.reason, 'liftReason', s.lift_reason) ORDER BY s.starts_at)
                        FROM approval_suspensions s WHERE s.approval_id = a.id AND s.withdrawn_at IS NULL), '[]') AS suspensions,
            coalesce((SELECT json_agg(json_build_object('year', d.year, 'decidedOn', to_char(d.decided_on, 'YYYY-MM-DD'), 'reason', d.reason) ORDER BY d.year)
                        FROM training_year_decisions d WHERE d.approval_id = a.id), '[]') AS "trainingDecisions",
            coalesce((SELECT json_agg(json_build_object('id', s.id, 'startsAt', s.starts_at, 'endsAt', s.ends_at, 'reason', s.reason,
                                                        'withdrawnAt', s.withdrawn_at, 'withdrawnBy', s.withdrawn_by, 'withdrawalReason', s.withdrawal_reason) ORDER BY s.starts_at)
                        FROM approval_suspensions s WHERE s.approval_id = a.id AND s.withdrawn_at IS NOT NULL), '[]') AS "withdrawnSuspensions",
            a.withdrawn_ends AS "withdrawnEnds"`;

/** A row of APPROVAL_COLUMNS (or the same as JSON): its suspensions' instants come as text. */
export type ApprovalRow = Omit<ApprovalRecord, 'suspensions'> & {
  suspensions: Array<{ id: string; startsAt: string; endsAt: string | null; reason: string; liftReason: string | null }>;
};

export function approvalRecord(r: ApprovalRow): ApprovalRecord {
  return {
    ...r,
    suspensions: r.suspensions.map((s) => ({
      id: s.id,
      startsAt: new Date(s.startsAt),
      endsAt: s.endsAt ? new Date(s.endsAt) : null,
      reason: s.reason,
      liftReason: s.liftReason,
    })),
  };
}

/** Approvals with their suspensions, for the given practitioners (oldest first), as the rules take them. */
export async function loadApprovals(m: EntityManager, practitionerIds: string[], approvalId?: string): Promise<ApprovalRecord[]> {
  if (!practitionerIds.length && !approvalId) return [];
  const rows: ApprovalRow[] = await m.query(
    `SELECT ${APPROVAL_COLUMNS}
       FROM approvals a
      WHERE ${approvalId ? 'a.id = $1' : 'a.practitioner_id = ANY($1::uuid[])'}
      ORDER BY a.practitioner_id, a.starts_on`,
    [approvalId ?? practitionerIds],
  );
  return rows.map(approvalRecord);
}
