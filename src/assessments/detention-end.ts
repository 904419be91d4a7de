/**
 * APP-22 (s.23, s.25, s.2(4), s.6(4)): recording how a detention ended, one way for both places it is recorded: on
 * the assessment that made the application (POST /assessments/{id}/detention-end) and, for the s.2 a referral states
 * the patient is already on, on the referral (POST /referrals/{id}/detention-end). The same request (DetentionEndDto),
 * the same refusals and the same record kept; judgeDetentionEnd (statute/after-admission.rules.ts) is the law.
 */
import { isoOrNull, recordedInstant } from '../common/clock';
import { ConflictProblem, UnprocessableProblem } from '../common/problem';
import { detentionEndNote, judgeDetentionEnd, type DetentionEndInput } from '../statute/after-admission.rules';
import type { DetentionEndKind, Discharger } from '../statute/assessment.types';
import { formatLocal } from '../statute/clocks';
import type { RuleId } from '../statute/rule-catalogue';
import { RECORDED_LEAD_DAYS } from './assessment.rules';
import type { DetentionEndDto } from './dto/assessment.dto';

/** The end of a detention as it is kept (JSON: instants as ISO text). */
export interface StoredDetentionEnd {
  kind: DetentionEndKind;
  at: string;
  by: Discharger | null;
  nearestRelativeNoticeAt: string | null;
  barredAt: string | null;
  details: string | null;
  recordedAt: string;
  recordedBy: string;
}

/** The times a detention-end request gives, each a time that happened: never in the future (422 naming it). */
export interface DetentionEndTimes {
  at: Date | null;
  nearestRelativeNoticeAt: Date | null;
  barredAt: Date | null;
}

/** The request's times, refused (422 naming the field) in the future or too long ago; before anything is read. */
export function detentionEndTimes(dto: DetentionEndDto, now: Date): DetentionEndTimes {
  const given = (value: string | undefined, field: string) =>
    value !== undefined ? recordedInstant(value, field, now, RECORDED_LEAD_DAYS) : null;
  return {
    at: given(dto.at, 'at'),
    nearestRelativeNoticeAt: given(dto.nearestRelativeNoticeAt, 'nearestRelativeNoticeAt'),
    barredAt: given(dto.barredAt, 'barredAt'),
  };
}

/** An end is recorded once: a second is 409 `detention-end-recorded`, saying the one kept (and `where`, when elsewhere). */
export function refuseSecondEnd(recorded: { kind: DetentionEndKind; at: Date } | null | undefined, zone: string, where = ''): void {
  if (recorded)
    throw new ConflictProblem(
      `The end of this detention is already recorded (${recorded.kind} at ${formatLocal(recorded.at, zone)})${where}.`,
      'detention-end-recorded',
      { rule: 'APP-22' satisfies RuleId, kind: recorded.kind, at: recorded.at.toISOString() },
    );
}

/**
 * The detention's end as judgeDetentionEnd allows it, for the detention described (its section, when it began, a
 * s.2's end as s2End judges it): the record to keep and the timeline's words; 422 naming the field otherwise.
 */
export function judgedDetentionEnd(
  detention: Pick<DetentionEndInput, 'section' | 's4NotConverted' | 'admittedAt' | 's2'>,
  dto: DetentionEndDto,
  times: DetentionEndTimes,
  context: { now: Date; zone: string; recordedBy: string },
): { record: StoredDetentionEnd; at: Date; note: string } {
  const judged = judgeDetentionEnd({
    ...detention,
    kind: dto.kind,
    at: times.at,
    by: dto.by ?? null,
    nearestRelativeNoticeAt: times.nearestRelativeNoticeAt,
    barredAt: times.barredAt,
    now: context.now,
    zone: context.zone,
  });
  if (!judged.ok)
    throw new UnprocessableProblem(judged.message, judged.code, {
      field: judged.field,
      rule: judged.rule,
      errors: [{ field: judged.field, messages: [judged.message] }],
    });
  const by = dto.kind === 'discharged' ? (dto.by ?? null) : null;
  return {
    at: judged.at,
    note: detentionEndNote(dto.kind, by),
    record: {
      kind: dto.kind,
      at: judged.at.toISOString(),
      by,
      nearestRelativeNoticeAt: isoOrNull(times.nearestRelativeNoticeAt),
      barredAt: isoOrNull(times.barredAt),
      details: dto.details ?? null,
      recordedAt: context.now.toISOString(),
      recordedBy: context.recordedBy,
    },
  };
}
