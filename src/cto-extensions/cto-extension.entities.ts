import { CTO_STATEMENT_DECISIONS, type CtoStatementDecision } from '../statute/cto-extension.rules';

/**
 * CTO-04 (MHA 1983 s.20A(4), (8)): a request to the hub for an AMHP's statement on extending a community treatment
 * order, and the statement. Stored in `cto_extensions` (migration 1796620100000-CtoExtensions).
 */

/**
 * received → allocated (to an AMHP) → agreed | not-agreed (the AMHP's statement, final); or, from received or allocated
 * before the statement is made and before the request lapses, withdrawn (by its referrer or a manager, final).
 */
export const CTO_EXTENSION_STATUSES = ['received', 'allocated', 'agreed', 'not-agreed', 'withdrawn'] as const;
export type CtoExtensionStatus = (typeof CTO_EXTENSION_STATUSES)[number];

/** The AMHP's statement: agree or not (CTO-04, s.20A(8)), the statute's one list. */
export const CTO_EXTENSION_DECISIONS = CTO_STATEMENT_DECISIONS;
export type CtoExtensionDecision = CtoStatementDecision;

/**
 * The steps of a request's timeline (GET /cto-extensions/{id} `timeline`): each stored in `cto_extension_events` in the
 * transaction of its change (migration 1796750000001-CtoExtensionEvents), but `lapsed`, which is the end of the day the
 * CTO expired with no statement made and the request not withdrawn, as `lapsed` on the request says.
 */
export const CTO_EXTENSION_STEPS = [
  'received',
  'allocated',
  'reallocated',
  'statement-made',
  'withdrawn',
  'lapsed',
  'breach-raised',
] as const;
export type CtoExtensionStep = (typeof CTO_EXTENSION_STEPS)[number];
