// Jobs she attends as a co-AMHP: the lead AMHP named her on the assessment (`otherAmhpUserIds`), so the service lets
// her read that assessment (with the person's identifiers) and its checklist, never the referral or the person's
// record, and she records nothing on it. Marked as such on Now (here) and on the job screen (job-co-amhp.js).
import { html } from '../ui.js';
import { href } from '../router.js';

/** The open assessments she attends as a co-AMHP (for Now's My jobs); [] when none, undefined when not known now. */
export function attendedOf(list, me) {
  return list ? list.items.filter((a) => a.status !== 'closed' && a.leadAmhpUserId !== me.id) : undefined;
}

/** The lead AMHP's name, from who is on duty now or next (the names the app has); null when not on the rota now. */
export function leadName(duty, userId) {
  if (!duty) return null;
  for (const s of [...(duty.onDuty || []), ...(duty.next || [])]) {
    const a = s.amhps.find((x) => x.userId === userId);
    if (a) return a.displayName;
  }
  return null;
}

export const CoAmhpTag = () => html`<strong class="nhsuk-tag nhsuk-tag--purple app-co-amhp__tag">Co-AMHP</strong>`;

/** Her card on Now's My jobs for an assessment she attends: marked, with who leads it. */
export function AttendedJob({ assessment, lead }) {
  const p = assessment.person;
  return html`<li class="nhsuk-card app-card app-co-amhp">
    <div class="nhsuk-card__content">
      <p class="nhsuk-body-s app-co-amhp__role"><${CoAmhpTag} /></p>
      <h3 class="nhsuk-card__heading nhsuk-heading-s">
        <a class="nhsuk-card__link app-job-link" href=${href(`/jobs/${assessment.referralId}`)}>${p.givenName} ${p.familyName}</a>
      </h3>
      <p class="nhsuk-body-s app-muted">
        You attend with ${lead || 'the lead AMHP'}, who leads the assessment and records it${assessment.location ? ` · ${assessment.location}` : ''}.
      </p>
    </div>
  </li>`;
}
