// A job she attends as a co-AMHP (#/jobs/<referral id>): the lead AMHP named her on the assessment
// (`otherAmhpUserIds`), which lets her read that assessment, with the person's identifiers, and its checklist
// (assessment-record.read through `conducted`), but not the referral, its clocks or the person's record (the allocated
// AMHP's), and record nothing on it (every change is the lead's: person.write). Said plainly, with who leads.
import { html, errorText, useTitle } from '../ui.js';
import { useEffect, useState } from '../deps.js';
import { api, latestOf } from '../session.js';
import { href } from '../router.js';
import { localTime } from '../time.js';
import { eventLabel } from './job-record.js';
import { Checklist } from './job-outcome.js';
import { onReplayed } from '../outbox.js';
import { CoAmhpTag, leadName } from './co-amhp.js';

/** The open assessment of this referral she attends as a co-AMHP (not its lead), or null. */
export async function attendedAssessment(referralId, me) {
  try {
    const { items } = await api(`/assessments?referralId=${encodeURIComponent(referralId)}&limit=10`);
    return items.find((a) => a.status !== 'closed' && a.leadAmhpUserId !== me.id && (a.otherAmhpUserIds || []).includes(me.id)) || null;
  } catch {
    return null;
  }
}

/** The job screen for an assessment she attends as a co-AMHP: what she may read, and that she records nothing here. */
export function CoAmhpJob({ assessment: first }) {
  const [assessment, setAssessment] = useState(first);
  const [checks, setChecks] = useState(null);
  const [checksError, setChecksError] = useState(null);
  const [lead, setLead] = useState(null);
  const p = assessment.person;
  useTitle(`${p.givenName} ${p.familyName} (co-AMHP) – AMHP duty`);

  async function load() {
    // The assessment is on the screen: without a signal it stays as shown, not the pack's copy (maybe older).
    const [a, c, duty] = await Promise.allSettled([
      api(`/assessments/${assessment.id}`, { orKept: false }),
      api(`/assessments/${assessment.id}/checks`),
      api('/rota/on-duty'),
    ]);
    if (a.status === 'fulfilled') setAssessment(latestOf(a.value));
    if (c.status === 'fulfilled') {
      setChecks(c.value);
      setChecksError(null);
    } else setChecksError(`The checklist could not be loaded. ${errorText(c.reason)}`);
    if (duty.status === 'fulfilled') setLead(leadName(duty.value, assessment.leadAmhpUserId));
  }

  useEffect(() => {
    void load();
    return onReplayed(() => void load());
  }, [first.id]);

  const who = lead || 'the lead AMHP';
  const Who = lead || 'The lead AMHP';
  const timeline = [...(assessment.timeline || [])].sort((x, y) => Date.parse(x.at) - Date.parse(y.at));
  return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main" tabindex="-1">
    <p class="app-back"><a class="nhsuk-back-link" href=${href('/')}>Back to Now</a></p>
    <h1 class="nhsuk-heading-l app-job__title">${p.givenName} ${p.familyName}</h1>
    <p class="nhsuk-body"><${CoAmhpTag} /></p>
    <div class="nhsuk-inset-text app-co-amhp__note">
      <h2 class="nhsuk-heading-s">You attend this assessment as a co-AMHP</h2>
      <p>
        ${Who} named you on it and leads it. You can read the assessment and its checklist here (also without a signal).
        You record nothing on it: the steps, the interview, the recommendations and the outcome are recorded by ${who}, so
        tell them what you did and saw.
      </p>
      <p>The referral, its clocks and the person’s full record are with the allocated AMHP: ask ${who} or the hub.</p>
    </div>
    <section aria-labelledby="person-heading" id="person" class="app-section">
      <h2 class="nhsuk-heading-m" id="person-heading">The person</h2>
      <dl class="nhsuk-summary-list app-summary">
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Name</dt>
          <dd class="nhsuk-summary-list__value">${p.givenName} ${p.familyName}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Date of birth</dt>
          <dd class="nhsuk-summary-list__value">${p.dateOfBirth || 'Not recorded'}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">NHS number</dt>
          <dd class="nhsuk-summary-list__value">${p.nhsNumber || 'Not recorded'}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Where</dt>
          <dd class="nhsuk-summary-list__value">${assessment.location || 'Not recorded'}</dd>
        </div>
        <div class="nhsuk-summary-list__row">
          <dt class="nhsuk-summary-list__key">Opened</dt>
          <dd class="nhsuk-summary-list__value">${localTime(assessment.openedAt)}</dd>
        </div>
      </dl>
    </section>
    <section aria-labelledby="timeline-heading" id="timeline" class="app-section">
      <h2 class="nhsuk-heading-m" id="timeline-heading">What has been recorded</h2>
      ${
        timeline.length
          ? html`<ul class="nhsuk-list app-co-amhp__timeline">
              ${timeline.map((e, i) => html`<li key=${e.id || i}>${eventLabel(e.type)}: ${localTime(e.at)}</li>`)}
            </ul>`
          : html`<p class="nhsuk-body">Nothing yet.</p>`
      }
    </section>
    <${Checklist} checks=${checks} error=${checksError} readOnly=${true} />
  </main>`;
}
