import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { Actor } from '../auth/actor';

/** What the assessments module did to correct the admission a s.4's 72 hours run from. */
export interface S4AdmissionCorrected {
  /** The assessment whose s.4 application the admission is under. */
  assessmentId: string;
  /** The admission's time before the correction. */
  from: Date;
}

export type S4AdmissionCorrector = (
  m: EntityManager,
  actor: Actor,
  referralId: string,
  at: Date,
  reason: string,
  acknowledgements: ReadonlyArray<{ code: string; reason: string }> | undefined,
) => Promise<S4AdmissionCorrected>;

/**
 * APP-11 (MHA 1983 s.4(4)): a s.4 emergency application lapses 72 hours from the patient's admission under it, and
 * that admission is kept on the assessment that made the application (its timeline's first `admitted`), not on the
 * referral's legal context. POST /referrals/{id}/time-corrections corrects it (`s4AdmittedAt`) through the
 * assessments module, which depends on this module, not the other way round: it registers the corrector at start-up;
 * it runs in the referral's transaction, so the admission, the referral's clocks and their pages change together.
 */
@Injectable()
export class S4AdmissionCorrections {
  private corrector: S4AdmissionCorrector | undefined;

  register(corrector: S4AdmissionCorrector): void {
    this.corrector = corrector;
  }

  correct(...args: Parameters<S4AdmissionCorrector>): Promise<S4AdmissionCorrected> {
    if (!this.corrector) throw new Error('No assessments module registered to correct a s.4 admission.');
    return this.corrector(...args);
  }
}
