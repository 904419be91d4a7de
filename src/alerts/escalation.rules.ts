/**
 * The escalation chain (DUTY-03), pure: who each remaining step of a chain goes to, given who is on duty. A chain
 * is the pages of one matter (an offer of a referral, one clock warning or breach). Step 0 is its first page; each
 * later step is taken when the last has gone OFFER_ESCALATION_MINUTES without the offer being accepted (or the clock
 * page acknowledged):
 *
 *   1. the next AMHP on duty: one not paged in the chain yet (not the allocated AMHP, for a clock), those without the
 *      `senior` skill first, so a senior is kept for step 2;
 *   2. the senior on duty: an AMHP on duty with the `senior` rota skill, not paged yet;
 *   3. the manager on call (GET /rota/on-duty), or every manager when the rota names none.
 *
 * A step with nobody to go to is skipped at once (and said on the timeline), so a chain always reaches a manager.
 */

export type EscalationTarget = 'next-amhp' | 'senior' | 'manager-on-call' | 'managers';

export interface DutyPicture {
  /** AMHPs on duty now, in the rota's order, with their rota skills. */
  amhps: ReadonlyArray<{ userId: string; skills: readonly string[] }>;
  managerOnCall: string | null;
  /** Every active manager (used when the rota names no manager on call). */
  managers: readonly string[];
}

export interface EscalationStep {
  step: 1 | 2 | 3;
  to: EscalationTarget;
  /** In order of preference: steps 1 and 2 go to the first who can take it; step 3 to all of them. */
  candidates: string[];
}

export const LAST_STEP = 3;

/** The steps after `from`, each with its candidates (possibly none: the caller skips it). */
export function remainingSteps(
  from: number,
  paged: ReadonlySet<string>,
  exclude: ReadonlySet<string>,
  duty: DutyPicture,
): EscalationStep[] {
  const free = duty.amhps.filter((a) => !paged.has(a.userId) && !exclude.has(a.userId));
  const senior = (a: { skills: readonly string[] }) => a.skills.includes('senior');
  const steps: EscalationStep[] = [
    { step: 1, to: 'next-amhp', candidates: [...free.filter((a) => !senior(a)), ...free.filter(senior)].map((a) => a.userId) },
    { step: 2, to: 'senior', candidates: free.filter(senior).map((a) => a.userId) },
    duty.managerOnCall
      ? { step: 3, to: 'manager-on-call', candidates: [duty.managerOnCall] }
      : { step: 3, to: 'managers', candidates: [...duty.managers] },
  ];
  return steps.filter((s) => s.step > from);
}

/**
 * The stage a clock is at, for its warnings to whoever holds the job (the statutory limits and the local response
 * target, DUTY-01, alike; MHA 1983 s.13(1): the case must be considered in time): `breach` once its deadline has passed, else the nearest lead time (minutes, as text) it is within,
 * so that a clock first seen 30 minutes from its deadline is warned at the 60-minute lead only, not at 240 too; null
 * while no lead is reached. One judgement for the clock job and for a job that comes to a new holder.
 */
export function clockStage(deadline: Date, now: Date, leadsMinutes: readonly number[]): string | null {
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return 'breach';
  const lead = [...leadsMinutes].sort((a, b) => a - b).find((l) => left <= l * 60_000);
  return lead === undefined ? null : String(lead);
}

/** How near its end a clock is at a stage: the minutes left it is within (0 at breach; none reached, unbounded). */
const minutesLeftAt = (stage: string | null): number => (stage === null ? Infinity : stage === 'breach' ? 0 : Number(stage));

/**
 * Whether a clock's page (or warning) at stage `paged` warned of an end that no longer stands, the clock being at stage
 * `now` (clockStage; null while no lead is reached). With one deadline a clock only ever moves towards its breach, so
 * a stage paged nearer the end than the clock is now means its deadline moved later since: a s.136B extension (POL-08),
 * a time corrected after the fact. What comes next about it (the leads and the breach of the new end) is a new episode,
 * to be told again (DUTY-01, DUTY-03), and the warnings of the old end answer nothing and are passed on to no one.
 */
export function pagedForEarlierDeadline(paged: string, now: string | null): boolean {
  return minutesLeftAt(paged) < minutesLeftAt(now);
}

/**
 * What becomes of a clock's standing pages and warnings at stage `paged` that told of the end `endsAt` (null for
 * those raised before pages kept their end), the clock now ending at `deadline` and at stage `now` (clockStage), so
 * that what its holder reads never shows an end that is no longer true (DUTY-01, DUTY-03):
 * - `keep`: the same end.
 * - `update`: the end moved later but the warning still stands at its stage (a 30-minute s.136B extension, POL-08,
 *   within the last hour): the words and the page are put right where they stand, with no second buzz at 3 a.m. for
 *   more time than she was told.
 * - `again`: closed (`deadline-moved`) and raised afresh as the clock stands now: the end moved later past the stage
 *   (pagedForEarlierDeadline: a new episode, warned again at each lead), or moved EARLIER (a time corrected back),
 *   however little: she has less time than she was told, and is woken by the new end. A breach still a breach (the
 *   time it passed corrected either way) is only put right: it has passed, and is no sooner to be answered.
 */
export function clockPageMove(
  paged: { stage: string; endsAt: Date | null },
  deadline: Date,
  now: string | null,
): 'keep' | 'update' | 'again' {
  if (pagedForEarlierDeadline(paged.stage, now)) return 'again';
  if (!paged.endsAt) return 'keep';
  const moved = deadline.getTime() - paged.endsAt.getTime();
  if (moved === 0) return 'keep';
  return moved > 0 || (paged.stage === 'breach' && now === 'breach') ? 'update' : 'again';
}

/** The chain of a clock's warning or breach pages (DUTY-03), and the key its notifications are raised once under. */
export function clockChainKey(referralId: string, clockId: string, stage: string): string {
  return `clock:${referralId}:${clockId}:${stage}`;
}

/** The referral, clock and stage a clock chain's key names (clockChainKey read back); null for any other key. */
export function clockOfChain(key: string): { referralId: string; clockId: string; stage: string } | null {
  const parts = key.split(':');
  if (parts.length !== 4 || parts[0] !== 'clock' || parts.some((p) => !p)) return null;
  return { referralId: parts[1], clockId: parts[2], stage: parts[3] };
}
