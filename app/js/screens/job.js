// A job (#/jobs/<referral id>): the statutory clocks first, then what the AMHP records as the night goes, and what
// she needs to find people: the person, the risks, the address, the nearest relative with the s.26 reasoning, the
// contacts and the s.12 doctors with numbers to call. Reads through api(); every change through record().
import { html, word, legal, telHref, errorText, useServerNow, Clock, useTitle } from '../ui.js';
import { useLive } from '../use-live.js';
import { useEffect, useRef, useState } from '../deps.js';
import { api, isNoSignal, latestOf, learnServerTime, serverNow } from '../session.js';
import { href } from '../router.js';
import { localTime, londonDate } from '../time.js';
import { Recorder } from './job-record.js';
import { dropJobChanges, onReplayed } from '../outbox.js';
import { useKeptNotice, useOutbox } from '../offline.js';
import { forgetJob, packHoldsJob, refreshPack } from '../pack.js';
import { ConflictsSection, InterviewForm, NearestRelativeForm, PlaceLink, RecommendationsSection } from './job-forms.js';
import { Checklist, OutcomeSection, ReportSection } from './job-outcome.js';
import { attendedAssessment, CoAmhpJob } from './job-co-amhp.js';
import { jobConcerns } from '../live.js';

const RISK_FLAGS = {
  weapons: 'Weapons',
  animals: 'Animals at the address',
  'access-problems': 'Access problems',
  'children-in-household': 'Children in the household',
  'lone-working': 'Lone working',
};
const STATUS = { 'in-assessment': 'Assessing', closed: 'Closed', withdrawn: 'Withdrawn' };
const RELATIONSHIPS = { 'uncle-aunt': 'uncle or aunt', 'nephew-niece': 'nephew or niece', 'civil-partner': 'civil partner' };

function ageOn(dateOfBirth, now) {
  if (!dateOfBirth) return null;
  const today = londonDate(now);
  const [y, m, d] = dateOfBirth.split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

function Row({ label, children }) {
  return html`<div class="nhsuk-summary-list__row">
    <dt class="nhsuk-summary-list__key">${label}</dt>
    <dd class="nhsuk-summary-list__value">${children}</dd>
  </div>`;
}

function CallLink({ phone, name }) {
  if (!phone) return html`<span class="nhsuk-body-s app-muted">No phone number</span>`;
  return html`<a class="app-call" href=${telHref(phone)}>Call<span class="nhsuk-u-visually-hidden"> ${name} on ${phone}</span></a>`;
}

function PersonSection({ referral, person, now }) {
  const p = person || referral.person;
  const age = ageOn(p.dateOfBirth, now);
  return html`
    <section aria-labelledby="person-heading" id="person" class="app-section">
      <h2 class="nhsuk-heading-m" id="person-heading">The person</h2>
      <dl class="nhsuk-summary-list app-summary">
        <${Row} label="Name">${p.givenName} ${p.familyName}</${Row}>
        <${Row} label="Date of birth">${p.dateOfBirth ? `${p.dateOfBirth}${age !== null ? ` (${age})` : ''}` : 'Not recorded'}</${Row}>
        <${Row} label="NHS number">${p.nhsNumber || 'Not recorded'}</${Row}>
        <${Row} label="Address">
          ${person && person.address ? html`${person.address}${person.postcode ? html`<br />${person.postcode}` : ''}` : 'Not recorded'}
        </${Row}>
        <${Row} label="Where now">${referral.location || 'Not recorded'}</${Row}>
        ${
          person &&
          html`<${Row} label="Language">
            ${person.preferredLanguage || 'Not recorded'}${person.interpreterNeeded ? ' – needs an interpreter' : ''}
          </${Row}>`
        }
        ${person && person.communicationNeeds && html`<${Row} label="Communication">${person.communicationNeeds}</${Row}>`}
        ${person && person.gpPractice && html`<${Row} label="GP practice">${person.gpPractice}</${Row}>`}
      </dl>
    </section>
  `;
}

function RisksSection({ referral }) {
  const r = referral.risks;
  const named = [r.toSelf && 'To self', r.toOthers && 'To others', r.fromOthers && 'From others'].filter(Boolean);
  const flags = (r.flags || []).map((f) => RISK_FLAGS[f] || f);
  return html`
    <section aria-labelledby="risks-heading" id="risks" class="app-section">
      <h2 class="nhsuk-heading-m" id="risks-heading">Why referred, and the risks</h2>
      <p class="nhsuk-body">${referral.reason}</p>
      <dl class="nhsuk-summary-list app-summary">
        <${Row} label="Risks">${named.length ? named.join(', ') : 'None recorded'}</${Row}>
        ${flags.length > 0 && html`<${Row} label="Take care"><strong class="app-alert">${flags.join(', ')}</strong></${Row}>`}
        ${r.notes && html`<${Row} label="Notes">${r.notes}</${Row}>`}
        <${Row} label="Legal basis">${legal(referral.legalContext.kind)}</${Row}>
        <${Row} label="Received">${localTime(referral.receivedAt)}</${Row}>
      </dl>
    </section>
  `;
}

function NearestRelativeSection({ nr, relatives, assessment, onRecorded }) {
  if (!nr) return null;
  const proposed = nr.proposal.nearestRelative;
  const relative = proposed && proposed.relativeId ? relatives.find((x) => x.id === proposed.relativeId) : null;
  const label = nr.regime === 'nominated-person' ? 'Nominated person' : 'Nearest relative';
  return html`
    <section aria-labelledby="nr-heading" id="nearest-relative" class="app-section">
      <h2 class="nhsuk-heading-m" id="nr-heading">${label}</h2>
      ${
        proposed
          ? html`<div class="app-person">
              <p class="nhsuk-body app-person__name">
                <strong>${proposed.actingAs || proposed.name}</strong>
                ${relative && html`, ${RELATIONSHIPS[relative.relationship] || relative.relationship}`} (${proposed.basis})
              </p>
              ${relative && html`<${CallLink} phone=${relative.contact && relative.contact.phone} name=${proposed.name} />`}
            </div>`
          : html`<p class="nhsuk-body">No nearest relative can be proposed from what is recorded.</p>`
      }
      ${nr.objectionInForce && html`<p class="nhsuk-body app-alert">An objection by the nearest relative is in force.</p>`}
      ${nr.displacement && html`<p class="nhsuk-body">County court (s.29): ${nr.displacement.status}.</p>`}
      <h3 class="nhsuk-heading-s">Why (s.26)</h3>
      <ol class="nhsuk-list nhsuk-list--number app-trace">
        ${nr.proposal.trace.map((line, i) => html`<li key=${i}>${line}</li>`)}
      </ol>
      ${
        nr.proposal.excluded.length > 0 &&
        html`<p class="nhsuk-body-s">Not eligible: ${nr.proposal.excluded.map((x) => `${x.name} (${x.reason})`).join('; ')}</p>`
      }
      ${
        assessment &&
        assessment.status !== 'closed' &&
        html`<${NearestRelativeForm} key=${`nr-${assessment.id}`} assessment=${assessment} nr=${nr} onRecorded=${onRecorded} />`
      }
    </section>
  `;
}

function ContactsSection({ referral, relatives }) {
  const ref = referral.referrer;
  return html`
    <section aria-labelledby="contacts-heading" id="contacts" class="app-section">
      <h2 class="nhsuk-heading-m" id="contacts-heading">Contacts</h2>
      <ul class="nhsuk-list app-people">
        <li class="app-person">
          <span class="app-person__name">
            ${ref.name}<br /><span class="nhsuk-body-s app-muted">Referrer${ref.role ? `, ${ref.role}` : ''}${ref.organisation ? `, ${ref.organisation}` : ''}</span>
          </span>
          <${CallLink} phone=${ref.phone} name=${ref.name} />
        </li>
        ${relatives.map(
          (r) => html`<li key=${r.id} class="app-person">
            <span class="app-person__name">
              ${r.name}<br /><span class="nhsuk-body-s app-muted">${RELATIONSHIPS[r.relationship] || r.relationship}${r.livesWithPatient ? ', lives with them' : ''}</span>
            </span>
            <${CallLink} phone=${r.contact && r.contact.phone} name=${r.name} />
          </li>`,
        )}
      </ul>
    </section>
  `;
}

function DoctorsSection({ doctors }) {
  if (!doctors) return null;
  return html`
    <section aria-labelledby="doctors-heading" id="doctors" class="app-section">
      <h2 class="nhsuk-heading-m" id="doctors-heading">Section 12 doctors</h2>
      <p class="nhsuk-body-s app-muted">Approved under s.12 today, on the register.</p>
      ${
        doctors.length
          ? html`<ul class="nhsuk-list app-people">
              ${doctors.map(
                (d) => html`<li key=${d.id} class="app-person app-doctor">
                  <span class="app-person__name">
                    ${d.name}${d.organisation && html`<br /><span class="nhsuk-body-s app-muted">${d.organisation}</span>`}
                  </span>
                  <span class="app-doctor__calls">
                    ${
                      d.contactNumbers.length
                        ? d.contactNumbers.map(
                            (n) => html`<a key=${n.number} class="app-call" href=${telHref(n.number)}>
                              Call ${n.label}<span class="nhsuk-u-visually-hidden"> ${d.name} on ${n.display}</span>
                            </a>`,
                          )
                        : html`<span class="nhsuk-body-s app-muted">No phone number</span>`
                    }
                  </span>
                </li>`,
              )}
            </ul>`
          : html`<p class="nhsuk-body">No doctor on the register is approved today.</p>`
      }
    </section>
  `;
}

/** The service's 403 code when the user has no legitimate relationship to the person (the job is not, or no longer, hers). */
const NO_RELATIONSHIP = 'no-relationship';

/**
 * A job she may not see, in place of the job screen: no person's details. One that was hers (shown here, or kept in
 * her job pack) was reallocated, or its allocation ended: said plainly, with what she saved on it that the service
 * did not record. Never an invitation to break glass: another AMHP holds the person now.
 */
const notYoursTitle = (wasHers) => (wasHers ? 'This job is no longer yours' : 'This job is not yours');

/** The service's words to her of a referral that ended while she held it (referrals.service endedUnderAssessment). */
const ENDED_KINDS = { 'referral.withdrawn': 'Withdrawn', 'referral.closed': 'Closed', 'referral.transferred': 'Transferred' };

/** Why the job is no longer hers, when the service told her (her inbox): { label, title, body }, else null. */
async function whyEnded(referralId) {
  try {
    const { items } = await api('/me/notifications?limit=50');
    const told = items.find((n) => n.subjectId === referralId && ENDED_KINDS[n.kind]);
    return told ? { label: ENDED_KINDS[told.kind], title: told.title, body: told.body } : null;
  } catch {
    return null;
  }
}

function NotYoursScreen({ wasHers, unrecorded, ended }) {
  const title = notYoursTitle(wasHers);
  return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main" tabindex="-1">
    <p class="app-back"><a class="nhsuk-back-link" href=${href('/')}>Back to Now</a></p>
    <h1 class="nhsuk-heading-l">${title}</h1>
    <div class="nhsuk-warning-callout app-not-yours" role="alert">
      <h2 class="nhsuk-warning-callout__label">${ended ? ended.label : wasHers ? 'No longer allocated to you' : 'Not allocated to you'}</h2>
      ${
        ended
          ? html`<p>${ended.title}. ${ended.body}</p>
              <p>The person’s details are no longer shown, and have been removed from this phone.</p>`
          : wasHers
            ? html`<p>
                Its allocation to you ended: it was reallocated, withdrawn or closed. The person’s details are no longer
                shown, and have been removed from this phone. Ask the hub what happened to it before you go on.
              </p>`
            : html`<p>It is not allocated to you, so the person’s details are not shown. Ask the hub who has it.</p>`
      }
      ${
        unrecorded.length > 0 &&
        html`<p>
          ${
            wasHers
              ? `Not recorded, because the job is no longer yours: ${unrecorded.join('; ')}. Tell the hub what you did, so that it is recorded; it is no longer kept on this phone.`
              : `Not recorded, because the job is not yours: ${unrecorded.join('; ')}. Tell the hub what you did, so that the AMHP who holds it can record it.`
          }
        </p>`
      }
    </div>
  </main>`;
}

/** A referral that ended (withdrawn, closed, transferred) while her assessment of it is still open: what to do. */
function EndedUnderAssessment({ referral, assessment }) {
  if (!assessment || assessment.status === 'closed' || !['withdrawn', 'closed', 'transferred'].includes(referral.status)) return null;
  return html`<div class="nhsuk-warning-callout app-ended" role="alert">
    <h2 class="nhsuk-warning-callout__label">Referral ${STATUS[referral.status] || word(referral.status)}</h2>
    <p>
      ${referral.decisionReason ? `The hub gave this reason: ${referral.decisionReason}. ` : ''}Your assessment stays open for you:
      record what you did and the outcome (for example not detained, with what was put in place instead).
    </p>
  </div>`;
}

/**
 * Whether the job is hers to record: allocated to her, or its assessment led by her (one under way stays hers to
 * finish when the referral ends). A job she may only read (as the AMHP on duty, or from a page about a job that went
 * to a colleague) is never shown as hers.
 */
export function holdsJob(me, referral, assessment) {
  return Boolean(me && (referral.allocatedUserId === me.id || (assessment && assessment.leadAmhpUserId === me.id)));
}

/** A job she may read but that is not hers: said first, and nothing on the screen records anything on it. */
function NotHeld({ referral }) {
  const whose = referral.allocatedUserId
    ? 'This job is allocated to another AMHP, not to you.'
    : 'This job is not allocated to anyone yet (it may still be offered: see Now).';
  return html`<div class="nhsuk-warning-callout app-not-held" role="status">
    <h2 class="nhsuk-warning-callout__label">Not your job</h2>
    <p>${`${whose} You can read it, but only the AMHP who holds it records what happens. If you are there, ring the hub.`}</p>
  </div>`;
}

/** The assessment of this referral the AMHP works on: the open one, else the newest. */
function current(assessments) {
  return assessments.find((a) => a.status !== 'closed') || assessments[0] || null;
}

/** Links to the screen's parts, for a long page on a small screen. */
function OnThisPage({ assessment }) {
  const parts = [
    ['record', 'Record what happens'],
    ...(assessment ? [['checks', 'Checklist']] : []),
    ['person', 'The person'],
    ['risks', 'Risks'],
    ['nearest-relative', 'Nearest relative'],
    ['contacts', 'Contacts'],
    ['doctors', 'Section 12 doctors'],
    ...(assessment
      ? [
          ['recommendations', 'Medical recommendations'],
          ['interview', 'Interview'],
          ['conflicts', 'Who is assessing'],
          ['outcome', 'Outcome'],
          ...(assessment.status !== 'open' ? [['report', 'Outcome report']] : []),
        ]
      : []),
  ];
  return html`<nav class="app-contents" aria-label="On this page">
    <ul class="app-contents__list">
      ${parts.map(([to, text]) => html`<li key=${to}><${PlaceLink} to=${to}>${text}</${PlaceLink}></li>`)}
    </ul>
  </nav>`;
}

export function JobScreen({ me, params }) {
  const [referral, setReferral] = useState(null);
  const [assessment, setAssessment] = useState(null);
  const [person, setPerson] = useState(null);
  const [nr, setNr] = useState(null);
  const [relatives, setRelatives] = useState([]);
  const [doctors, setDoctors] = useState(null);
  const [error, setError] = useState(null);
  const [notice, setNotice] = useState(null);
  useKeptNotice(notice, setNotice);
  const [section, setSection] = useState('s2');
  const [checks, setChecks] = useState(null);
  const [checksError, setChecksError] = useState(null);
  const now = useServerNow();
  const id = params.id;
  // The job is not, or no longer, hers (the service's 403 no-relationship): { wasHers } once known.
  const [notYours, setNotYours] = useState(null);
  // Not hers, but an open assessment of it she attends as a co-AMHP (named by its lead): that assessment, read-only.
  const [attending, setAttending] = useState(null);
  const shown = useRef(false); // this screen showed the job as hers (allocated to her, or her assessment)
  shown.current = shown.current || Boolean(referral && holdsJob(me, referral, assessment));
  const showing = useRef(false); // the job is on the screen now (its reads are then never answered from the pack)
  showing.current = Boolean(referral);
  const { refused } = useOutbox();
  const mineRefused = refused.filter((i) => i.tag && i.tag.startsWith(`step:${id}:`) && i.problem && i.problem.code === NO_RELATIONSHIP);

  /**
   * The service says she has no relationship to the person: leave the person off the screen and off the phone, with
   * what she saved on this job and the service did not record (said here once, then deleted from the phone: what she
   * typed about the person must not stay on it), and why, when the service told her.
   */
  async function noLongerHers(lost) {
    const wasHers = shown.current || (await packHoldsJob(id));
    const aid = assessment && assessment.id;
    setReferral(null);
    setAssessment(null);
    setPerson(null);
    setNr(null);
    setRelatives([]);
    setNotice(null);
    // A job never hers has nothing of hers kept on the phone to drop, and no allocation of hers that ended.
    const dropped = wasHers ? await dropJobChanges(id, aid).catch(() => []) : [];
    const ended = wasHers ? await whyEnded(id) : null;
    // Found twice at once (the live stream's news and a change of hers refused), what each dropped is said together.
    setNotYours((before) => ({
      wasHers: wasHers || Boolean(before && before.wasHers),
      lost: [...new Set([...(before ? before.lost : []), ...(lost ? [lost] : []), ...dropped])],
      ended: ended || (before && before.ended) || null,
    }));
    if (!wasHers) return;
    await forgetJob(id).catch(() => undefined);
    void refreshPack(me).catch(() => undefined);
  }

  async function load() {
    // Once the job is on the screen, a read that cannot reach the service leaves it as shown: the pack was read when
    // it was, maybe before the steps on the screen were recorded (the header says there is no signal).
    const again = showing.current;
    const orKept = !again;
    try {
      // The service's time (for "now" on every tap), even when no clock of this referral is running. Without a signal
      // the job still opens from the pack when the phone has no copy of who is on duty (the time is then the pack's).
      const [r, duty] = await Promise.all([
        api(`/referrals/${encodeURIComponent(id)}`, { orKept }),
        api('/rota/on-duty', { orKept }).catch((err) => (isNoSignal(err) ? null : Promise.reject(err))),
      ]);
      if (duty) learnServerTime(duty.at);
      // Not hers: an open assessment of it she attends as a co-AMHP is what she has of it (whatever else the duty
      // relationship would let her read), shown as such, read-only.
      if (r.allocatedUserId !== me.id) {
        const attended = await attendedAssessment(id, me);
        if (attended) return setAttending(attended);
      }
      const today = londonDate(serverNow());
      const [list, p, n, rel, docs] = await Promise.allSettled([
        api(`/assessments?referralId=${encodeURIComponent(id)}&limit=10`, { orKept }),
        api(`/people/${r.person.id}`, { orKept }),
        api(`/people/${r.person.id}/nearest-relative`, { orKept }),
        api(`/people/${r.person.id}/relatives`, { orKept }),
        api(`/doctors?approvedOn=${today}&kind=s12&active=true&limit=100`, { orKept }),
      ]);
      setReferral(latestOf(r));
      if (list.status === 'fulfilled') setAssessment(latestOf(current(list.value.items)));
      if (p.status === 'fulfilled') setPerson(p.value);
      if (n.status === 'fulfilled') setNr(n.value);
      if (rel.status === 'fulfilled') setRelatives(rel.value.items);
      if (docs.status === 'fulfilled') setDoctors(docs.value.items);
      const failed = [list, p, n, rel, docs].find((x) => x.status === 'rejected' && !(again && isNoSignal(x.reason)));
      if (failed && failed.reason && failed.reason.code === NO_RELATIONSHIP) return await noLongerHers();
      setError(failed ? `Part of this job could not be loaded. ${errorText(failed.reason)}` : null);
    } catch (err) {
      if (again && isNoSignal(err)) return undefined;
      if (err && (err.code === NO_RELATIONSHIP || isNoSignal(err))) {
        const attended = await attendedAssessment(id, me);
        if (attended) return setAttending(attended);
      }
      if (err && err.code === NO_RELATIONSHIP) return await noLongerHers();
      setError(errorText(err));
    }
  }

  /**
   * Reads again the `parts` of the job an event is about (jobConcerns): 'referral' (its status, clocks, holder: a
   * change of holder reads the whole job, which says when it is no longer hers), 'assessment' (the checklist follows
   * its version), 'person' (the relatives and nearest relative); null: the whole job.
   */
  async function reread(parts) {
    if (parts && (attending || notYours)) return undefined;
    if (!parts || !referral) return load();
    try {
      // What the screen shows is read again: without a signal it stays as shown (not the pack's older copy).
      const orKept = false;
      if (parts.includes('referral')) {
        const r = await api(`/referrals/${encodeURIComponent(id)}`, { orKept });
        if (r.allocatedUserId !== referral.allocatedUserId) return load();
        setReferral(latestOf(r));
      }
      const [list, n, rel] = await Promise.all([
        parts.includes('assessment') ? api(`/assessments?referralId=${encodeURIComponent(id)}&limit=10`, { orKept }) : null,
        parts.includes('person') ? api(`/people/${referral.person.id}/nearest-relative`, { orKept }) : null,
        parts.includes('person') ? api(`/people/${referral.person.id}/relatives`, { orKept }) : null,
      ]);
      if (list) setAssessment(latestOf(current(list.items)));
      if (n) setNr(n);
      if (rel) setRelatives(rel.items);
    } catch (err) {
      if (err && err.code === NO_RELATIONSHIP) return load();
      if (!isNoSignal(err)) setError(errorText(err));
    }
    return undefined;
  }
  // Read now, and again for each event about this job (its referral, assessment or person): app/js/live.js. No timer:
  // an event the stream may have missed reads it all again.
  useLive(reread, (events) => jobConcerns(events, id, referral && referral.person.id, me.id), { poll: false });
  // Changes saved on the phone without a signal, sent since: show the job as the service now has it.
  useEffect(() => onReplayed(() => void load()), [id]);

  // A step saved on this phone for this job and refused because she has no relationship to the person now (the job
  // was reallocated while she had no signal): read the job again, which the service refuses the same way.
  useEffect(() => {
    if (mineRefused.length && !notYours) void load();
  }, [mineRefused.length]);

  // The checklist follows every change of the assessment, for the section of the application in view.
  const aid = assessment && assessment.id;
  const version = assessment && assessment.version;
  useEffect(() => {
    if (!aid) return;
    let live = true;
    const q = assessment.status === 'open' ? `?section=${section}` : '';
    // A checklist on the screen stays as shown without a signal (the pack's may be of an older version).
    const again = Boolean(checks);
    api(`/assessments/${aid}/checks${q}`, { orKept: !again })
      .then((c) => live && (setChecks(c), setChecksError(null)))
      .catch((err) => live && !(again && isNoSignal(err)) && setChecksError(`The checklist could not be loaded. ${errorText(err)}`));
    return () => {
      live = false;
    };
  }, [aid, version, section]);

  useTitle(
    notYours
      ? `${notYoursTitle(notYours.wasHers)} – AMHP duty`
      : referral
        ? `${referral.person.givenName} ${referral.person.familyName} – AMHP duty`
        : 'Job – AMHP duty',
  );

  /** A recording answered with the assessment as it now is; the referral's clocks may have stopped, so it is re-read. */
  function recorded(view, text) {
    if (view && view.id && Array.isArray(view.timeline)) setAssessment(latestOf(view));
    setNotice(text);
    void api(`/referrals/${encodeURIComponent(id)}`, { orKept: false })
      .then((r) => setReferral(latestOf(r)))
      .catch(() => undefined);
  }

  if (attending) return html`<${CoAmhpJob} assessment=${attending} />`;

  if (notYours) {
    const unrecorded = [...notYours.lost, ...mineRefused.map((i) => `${i.what} (saved ${localTime(i.created)})`)];
    return html`<${NotYoursScreen} wasHers=${notYours.wasHers} unrecorded=${unrecorded} ended=${notYours.ended} />`;
  }

  if (referral && !holdsJob(me, referral, assessment)) {
    const p = referral.person;
    return html`
      <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main" tabindex="-1">
        <p class="app-back"><a class="nhsuk-back-link" href=${href('/')}>Back to Now</a></p>
        <h1 class="nhsuk-heading-l app-job__title">${p.givenName} ${p.familyName}</h1>
        <p class="nhsuk-body app-muted">
          ${referral.reference} · ${word(referral.urgency)} · ${legal(referral.legalContext.kind)} · ${STATUS[referral.status] || word(referral.status)}
        </p>
        <${NotHeld} referral=${referral} />
        ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
        <section aria-labelledby="clocks-heading" id="clocks" class="app-section">
          <h2 class="nhsuk-heading-m" id="clocks-heading">Clocks</h2>
          ${
            referral.clocks.length
              ? html`<ul class="nhsuk-list app-clocks">${referral.clocks.map((c) => html`<${Clock} key=${c.id} clock=${c} now=${now} />`)}</ul>`
              : html`<p class="nhsuk-body">No statutory clock is running.</p>`
          }
        </section>
        <${PersonSection} referral=${referral} person=${person} now=${now} />
        <${RisksSection} referral=${referral} />
        <${NearestRelativeSection} nr=${nr} relatives=${relatives} assessment=${null} onRecorded=${recorded} />
        <${ContactsSection} referral=${referral} relatives=${relatives} />
        <${DoctorsSection} doctors=${doctors} />
      </main>
    `;
  }

  if (!referral) {
    return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main" tabindex="-1">
      <p class="app-back"><a class="nhsuk-back-link" href=${href('/')}>Back to Now</a></p>
      <h1 class="nhsuk-heading-l">Job</h1>
      ${error ? html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>` : html`<p class="nhsuk-body">Loading…</p>`}
    </main>`;
  }

  const p = referral.person;
  const closed = Boolean(assessment && assessment.status === 'closed');
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main" tabindex="-1">
      <p class="app-back"><a class="nhsuk-back-link" href=${href('/')}>Back to Now</a></p>
      <h1 class="nhsuk-heading-l app-job__title">${p.givenName} ${p.familyName}</h1>
      <p class="nhsuk-body app-muted">
        ${referral.reference} · ${word(referral.urgency)} · ${legal(referral.legalContext.kind)} · ${STATUS[referral.status] || word(referral.status)}
      </p>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      <${EndedUnderAssessment} referral=${referral} assessment=${assessment} />
      <section aria-labelledby="clocks-heading" id="clocks" class="app-section">
        <h2 class="nhsuk-heading-m" id="clocks-heading">Clocks</h2>
        ${
          referral.clocks.length
            ? html`<ul class="nhsuk-list app-clocks">${referral.clocks.map((c) => html`<${Clock} key=${c.id} clock=${c} now=${now} />`)}</ul>`
            : html`<p class="nhsuk-body">No statutory clock is running.</p>`
        }
      </section>
      <${OnThisPage} assessment=${assessment} />
      <${Recorder}
        referral=${referral}
        assessment=${assessment}
        onRecorded=${recorded}
        onNotYours=${(label) => void noLongerHers(label)}
        notice=${notice}
      />
      ${assessment && html`<${Checklist} checks=${checks} error=${checksError} />`}
      <${PersonSection} referral=${referral} person=${person} now=${now} />
      <${RisksSection} referral=${referral} />
      <${NearestRelativeSection} nr=${nr} relatives=${relatives} assessment=${assessment} onRecorded=${recorded} />
      <${ContactsSection} referral=${referral} relatives=${relatives} />
      <${DoctorsSection} doctors=${doctors} />
      ${
        assessment &&
        html`<${RecommendationsSection}
            assessment=${assessment}
            doctors=${doctors}
            section=${section}
            onRecorded=${recorded}
            disabled=${closed}
          />
          <${InterviewForm} key=${`interview-${assessment.id}`} assessment=${assessment} onRecorded=${recorded} disabled=${closed} />
          <${ConflictsSection} me=${me} assessment=${assessment} onRecorded=${recorded} disabled=${closed} />
          <${OutcomeSection}
            key=${`outcome-${assessment.id}`}
            assessment=${assessment}
            section=${section}
            setSection=${setSection}
            onRecorded=${recorded}
            disabled=${closed}
          />
          <${ReportSection} assessment=${assessment} />`
      }
    </main>
  `;
}
