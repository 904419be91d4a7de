// The job screen's forms: the interview (s.13(2)), the medical recommendations and who is assessing (conflicts of
// interest), with the form pieces the outcome shares. Every change goes through record() (outbox.js); each form
// starts from what is recorded, so nothing is typed twice.
import { html, ErrorSummary } from '../ui.js';
import { useEffect, useRef, useState } from '../deps.js';
import { basedOn, keptText, recordOrKeep } from '../outbox.js';
import { Input, Radios as KitRadios, Select, TextArea as KitTextArea, errorFor, problemErrors as formProblemErrors } from './form-kit.js';
import { serverNow } from '../session.js';
import { fromLondonInput, instant, localTime, londonInputValue } from '../time.js';

export { focusOn, PlaceLink } from '../ui.js';

/**
 * The assessment as a form was filled from it, kept for the form's change: sent with its version (If-Match), so what
 * someone changed meanwhile is not overwritten; moved on when her own change of it is recorded.
 */
export function useFilledFrom(assessment) {
  const filled = useRef(assessment);
  return {
    options: (keys) => basedOn(`/assessments/${filled.current.id}`, filled.current, keys),
    recorded: (view) => {
      if (view) filled.current = view;
    },
  };
}

/** A form's errors on the job screen (several forms, so each summary has its own id). */
export function FormErrors({ id, errors }) {
  return html`<${ErrorSummary} id=${`${id}-errors`} level=${3} errors=${errors} />`;
}

/** The service's refusal as form errors: its field errors on our fields (by the API's field name or a part of it), else its words. */
export function problemErrors(err, fieldIds, fallback) {
  const fieldOf = (name) => {
    const key = Object.keys(fieldIds).find(
      (k) => name === k || name.endsWith(`.${k}`) || name.startsWith(`${k}.`) || name.startsWith(`${k}[`),
    );
    return key ? fieldIds[key] : fallback;
  };
  return formProblemErrors(err, { fallback, fieldOf: (name) => fieldOf(String(name || '')) });
}

/** The job screen's fields keep their values in the screen (`value`, `onValue`) and take the form's `errors` list. */
export function TextInput({ errors, ...field }) {
  return html`<${Input} ...${field} error=${errorFor(errors, field.id)} />`;
}

export function TextArea({ errors, rows = 3, ...field }) {
  return html`<${KitTextArea} ...${field} rows=${rows} error=${errorFor(errors, field.id)} />`;
}

export function Radios({ errors, onValue, ...field }) {
  return html`<${KitRadios} ...${field} onChange=${onValue} error=${errorFor(errors, field.id)} />`;
}

export function Checkbox({ id, label, checked, onValue }) {
  return html`<div class="nhsuk-checkboxes__item">
    <input class="nhsuk-checkboxes__input" id=${id} name=${id} type="checkbox" checked=${checked} onChange=${(e) => onValue(e.currentTarget.checked)} />
    <label class="nhsuk-label nhsuk-checkboxes__label" for=${id}>${label}</label>
  </div>`;
}

/** A date and time in UK time (datetime-local): until changed (null), the service's now, kept current. */
export function WhenInput({ id, label, value, onValue, errors }) {
  return html`<${TextInput}
    id=${id}
    label=${label}
    hint=${value === null ? 'UK time. Now, unless you change it' : 'UK time'}
    type="datetime-local"
    value=${value === null ? nowInput() : value}
    onValue=${onValue}
    errors=${errors}
  />`;
}

export const nowInput = () => londonInputValue(serverNow());

/** The instant of a datetime-local value (null: now), or an error for the field. */
export function instantOf(value, id, what, errors) {
  const ms = value === null ? serverNow() : fromLondonInput(value);
  if (ms === null) {
    errors.push({ field: id, text: `Enter ${what} as a date and time` });
    return null;
  }
  return instant(ms);
}

const lines = (text) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

/** s.13(2): the interview, and what was considered. Clears APP-06. */
export function InterviewForm({ assessment, onRecorded, disabled }) {
  const filled = useFilledFrom(assessment);
  const i = assessment.interview || {};
  const [v, setV] = useState({
    suitableMannerNotes: i.suitableMannerNotes || '',
    alternativesConsidered: (i.alternativesConsidered || []).join('\n'),
    capacity: i.capacity || '',
    patientViews: i.patientViews || '',
    relativesWishes: i.relativesWishes || '',
  });
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const set = (k) => (x) => setV((old) => ({ ...old, [k]: x }));

  async function submit(e) {
    e.preventDefault();
    const alternatives = lines(v.alternativesConsidered);
    if (!alternatives.length) return setErrors([{ field: 'iv-alternatives', text: 'Enter the alternatives to detention you considered' }]);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const interview = { alternativesConsidered: alternatives };
      for (const k of ['suitableMannerNotes', 'capacity', 'patientViews', 'relativesWishes']) if (v[k].trim()) interview[k] = v[k].trim();
      const view = await recordOrKeep(
        `/assessments/${assessment.id}`,
        { interview },
        { method: 'PATCH', label: 'Interview', ...filled.options(['interview']) },
      );
      filled.recorded(view);
      setErrors([]);
      onRecorded(view, view ? 'Interview: recorded.' : keptText('Interview'));
    } catch (err) {
      setErrors(
        problemErrors(
          err,
          {
            alternativesConsidered: 'iv-alternatives',
            suitableMannerNotes: 'iv-manner',
            capacity: 'iv-capacity',
            patientViews: 'iv-views',
            relativesWishes: 'iv-relatives',
          },
          'iv-manner',
        ),
      );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  return html`
    <section aria-labelledby="interview-heading" id="interview" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="interview-heading">Interview</h2>
      ${assessment.interview && html`<p class="nhsuk-body"><span class="app-step__tick" aria-hidden="true">✓</span> Recorded. Change it below.</p>`}
      <form novalidate onSubmit=${submit}>
        <${FormErrors} id="interview" errors=${errors} />
        <${TextArea}
          id="iv-manner"
          label="How the interview was made suitable"
          hint="Interpreter, communication aids, the setting"
          value=${v.suitableMannerNotes}
          onValue=${set('suitableMannerNotes')}
          errors=${errors}
        />
        <${TextArea}
          id="iv-alternatives"
          label="Alternatives to detention considered"
          hint="One a line, with why each was or was not enough"
          value=${v.alternativesConsidered}
          onValue=${set('alternativesConsidered')}
          errors=${errors}
          rows="4"
        />
        <${TextArea} id="iv-capacity" label="Capacity (optional)" value=${v.capacity} onValue=${set('capacity')} errors=${errors} />
        <${TextArea} id="iv-views" label="The person’s views (optional)" value=${v.patientViews} onValue=${set('patientViews')} errors=${errors} />
        <${TextArea}
          id="iv-relatives"
          label="Relatives’ wishes (optional)"
          value=${v.relativesWishes}
          onValue=${set('relativesWishes')}
          errors=${errors}
        />
        <button class="nhsuk-button" type="submit" disabled=${busy || disabled}>Save the interview</button>
      </form>
    </section>
  `;
}

const SECTIONS = [
  { value: 's2', label: 'Section 2' },
  { value: 's3', label: 'Section 3' },
  { value: 's4', label: 'Section 4' },
];
const EXAM_MODES = [
  { value: 'in-person', label: 'In person' },
  { value: 'video', label: 'Video' },
  { value: 'phone', label: 'Phone' },
];
const MODE_WORDS = { 'in-person': 'in person', video: 'by video', phone: 'by phone' };

function approvalWords(r) {
  if (r.approvalOnExamDate) {
    const a = r.approvalOnExamDate;
    const kinds = [a.s12 && 's.12 approved', a.approvedClinician && 'approved clinician'].filter(Boolean);
    return kinds.length ? `${kinds.join(', ')} on the examination date` : 'Not approved on the examination date';
  }
  if (r.statedApproval) {
    const kinds = [r.statedApproval.s12 && 's.12', r.statedApproval.approvedClinician && 'approved clinician'].filter(Boolean);
    return `Not on the register; says ${kinds.length ? kinds.join(' and ') : 'no approval'}`;
  }
  return '';
}

/** A medical recommendation: a doctor from the register (chosen, not typed) or typed, the examination and signing. */
export function RecommendationsSection({ assessment, doctors, section, onRecorded, disabled }) {
  const recs = assessment.recommendations.filter((r) => !r.withdrawnAt);
  const blank = () => ({
    source: doctors && doctors.length ? 'register' : 'typed',
    doctorId: '',
    doctorName: '',
    s12: false,
    approvedClinician: false,
    section: section === 's3' || section === 's4' ? section : 's2',
    examinedAt: null,
    examMode: 'in-person',
    signedAt: null,
    acquainted: '',
    noAcquaintanceReason: '',
    informalInappropriateReason: '',
    treatmentAvailableAt: '',
  });
  const [v, setV] = useState(blank);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const set = (k) => (x) => setV((old) => ({ ...old, [k]: x }));

  async function submit(e) {
    e.preventDefault();
    const errs = [];
    if (v.source === 'register' && !v.doctorId) errs.push({ field: 'rec-doctor', text: 'Choose the doctor' });
    if (v.source === 'typed' && v.doctorName.trim().length < 2) errs.push({ field: 'rec-name', text: 'Enter the doctor’s name' });
    if (!v.acquainted) errs.push({ field: 'rec-acquainted', text: 'Say whether the doctor knew the person before' });
    const examinedAt = instantOf(v.examinedAt, 'rec-examined', 'when the doctor examined the person', errs);
    const signedAt = instantOf(v.signedAt, 'rec-signed', 'when the doctor signed', errs);
    if (errs.length) return setErrors(errs);
    const body = {
      ...(v.source === 'register'
        ? { doctorId: v.doctorId }
        : { doctorName: v.doctorName.trim(), statedApproval: { s12: v.s12, approvedClinician: v.approvedClinician } }),
      previousAcquaintance: v.acquainted === 'yes',
      ...(v.acquainted === 'no' && v.noAcquaintanceReason.trim() ? { noAcquaintanceReason: v.noAcquaintanceReason.trim() } : {}),
      examinedAt,
      examMode: v.examMode,
      signedAt,
      section: v.section,
      ...(v.section === 's3' && v.informalInappropriateReason.trim()
        ? { informalInappropriateReason: v.informalInappropriateReason.trim() }
        : {}),
      ...(v.section === 's3' && v.treatmentAvailableAt.trim() ? { treatmentAvailableAt: v.treatmentAvailableAt.trim() } : {}),
    };
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const name = v.source === 'register' ? (doctors.find((d) => d.id === v.doctorId) || {}).name : v.doctorName.trim();
      const view = await recordOrKeep(`/assessments/${assessment.id}/recommendations`, body, {
        label: `Medical recommendation by ${name}`,
      });
      setErrors([]);
      setV(blank());
      onRecorded(view, view ? `Medical recommendation by ${name}: recorded.` : keptText(`Medical recommendation by ${name}`));
    } catch (err) {
      setErrors(
        problemErrors(
          err,
          {
            doctorId: 'rec-doctor',
            doctorName: 'rec-name',
            statedApproval: 'rec-name',
            examinedAt: 'rec-examined',
            signedAt: 'rec-signed',
            section: 'rec-section',
            previousAcquaintance: 'rec-acquainted',
            noAcquaintanceReason: 'rec-reason',
          },
          'rec-doctor',
        ),
      );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  return html`
    <section aria-labelledby="recommendations-heading" id="recommendations" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="recommendations-heading">Medical recommendations</h2>
      ${
        recs.length
          ? html`<ul class="nhsuk-list app-cards">
              ${recs.map(
                (r) => html`<li key=${r.id} class="nhsuk-card app-card app-rec">
                  <div class="nhsuk-card__content">
                    <h3 class="nhsuk-card__heading nhsuk-heading-s">${r.doctorName} · ${r.section.replace('s', 's.')}</h3>
                    <p class="nhsuk-body-s">
                      Examined ${MODE_WORDS[r.examMode] || r.examMode} ${localTime(r.examinedAt)}; signed ${localTime(r.signedAt)}.<br />
                      ${approvalWords(r)}${r.previousAcquaintance ? '; knew the person before.' : '.'}
                    </p>
                  </div>
                </li>`,
              )}
            </ul>`
          : html`<p class="nhsuk-body">None recorded yet.</p>`
      }
      <h3 class="nhsuk-heading-s">Record a recommendation</h3>
      <form novalidate onSubmit=${submit}>
        <${FormErrors} id="recommendation" errors=${errors} />
        <${Radios}
          id="rec-source"
          legend="The doctor"
          options=${[
            { value: 'register', label: 'On the s.12 register' },
            { value: 'typed', label: 'Not on the register: type the name' },
          ]}
          value=${v.source}
          onValue=${set('source')}
          errors=${errors}
          small
        />
        ${
          v.source === 'register'
            ? html`<${Select}
                id="rec-doctor"
                label="Doctor"
                error=${errorFor(errors, 'rec-doctor')}
                options=${[
                  { value: '', label: 'Choose the doctor' },
                  ...(doctors || []).map((d) => ({ value: d.id, label: `${d.name}${d.organisation ? ` (${d.organisation})` : ''}` })),
                ]}
                value=${v.doctorId}
                onChange=${(e) => set('doctorId')(e.currentTarget.value)}
              />`
            : html`<${TextInput} id="rec-name" label="Doctor’s name" value=${v.doctorName} onValue=${set('doctorName')} errors=${errors} />
                <div class="nhsuk-form-group">
                  <fieldset class="nhsuk-fieldset">
                    <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">What the doctor says they are</legend>
                    <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                      <${Checkbox} id="rec-s12" label="Approved under s.12" checked=${v.s12} onValue=${set('s12')} />
                      <${Checkbox} id="rec-ac" label="An approved clinician" checked=${v.approvedClinician} onValue=${set('approvedClinician')} />
                    </div>
                  </fieldset>
                </div>`
        }
        <${Radios} id="rec-section" legend="Recommended under" options=${SECTIONS} value=${v.section} onValue=${set('section')} errors=${errors} small />
        <${WhenInput} id="rec-examined" label="Examined at" value=${v.examinedAt} onValue=${set('examinedAt')} errors=${errors} />
        <${Radios} id="rec-mode" legend="Examined" options=${EXAM_MODES} value=${v.examMode} onValue=${set('examMode')} errors=${errors} small />
        <${WhenInput} id="rec-signed" label="Signed at" value=${v.signedAt} onValue=${set('signedAt')} errors=${errors} />
        <${Radios}
          id="rec-acquainted"
          legend="Did the doctor know the person before?"
          options=${[
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
          ]}
          value=${v.acquainted}
          onValue=${set('acquainted')}
          errors=${errors}
          small
        />
        ${
          v.acquainted === 'no' &&
          html`<${TextArea}
            id="rec-reason"
            label="Why a doctor who knew them was not practicable"
            value=${v.noAcquaintanceReason}
            onValue=${set('noAcquaintanceReason')}
            errors=${errors}
            rows="2"
          />`
        }
        ${
          v.section === 's3' &&
          html`<${TextArea}
              id="rec-informal"
              label="Why informal treatment is not appropriate"
              value=${v.informalInappropriateReason}
              onValue=${set('informalInappropriateReason')}
              errors=${errors}
              rows="2"
            />
            <${TextInput}
              id="rec-treatment"
              label="Where appropriate treatment is available"
              value=${v.treatmentAvailableAt}
              onValue=${set('treatmentAvailableAt')}
              errors=${errors}
            />`
        }
        <button class="nhsuk-button" type="submit" disabled=${busy || disabled}>Record the recommendation</button>
      </form>
    </section>
  `;
}

/**
 * Who is assessing (SI 2008/1205): the AMHP and each recommending doctor, their clinical team, and each one's
 * declaration of a financial, business or personal interest. Clears COI-09.
 */
export function ConflictsSection({ me, assessment, onRecorded, disabled }) {
  const filled = useFilledFrom(assessment);
  const recs = assessment.recommendations.filter((r) => !r.withdrawnAt);
  const previous = new Map(assessment.conflicts.map((c) => [c.assessorId, c]));
  const people = [
    { assessorId: 'amhp', role: 'amhp', name: me.displayName },
    ...recs.map((r) => ({ assessorId: r.id, role: 'doctor', name: r.doctorName })),
  ];
  const initial = () =>
    Object.fromEntries(
      people.map((p) => {
        const c = previous.get(p.assessorId);
        const d = c && c.declaration;
        return [
          p.assessorId,
          {
            team: c ? (c.teams || []).join(', ') : '',
            financial: Boolean(d && d.financial),
            business: Boolean(d && d.business),
            personal: Boolean(d && d.personal),
          },
        ];
      }),
    );
  const [v, setV] = useState(initial);
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const key = people.map((p) => p.assessorId).join();
  // A new recommendation adds its doctor; what was typed for the others stays.
  useEffect(() => setV((old) => ({ ...initial(), ...old })), [key]);
  const setFor = (id, k) => (x) => setV((old) => ({ ...old, [id]: { ...(old[id] || {}), [k]: x } }));

  async function submit(e) {
    e.preventDefault();
    const assessors = people.map((p) => {
      const x = v[p.assessorId] || { team: '', financial: false, business: false, personal: false };
      return {
        assessorId: p.assessorId,
        role: p.role,
        name: p.name,
        teams: x.team
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        directsOrEmploys: (previous.get(p.assessorId) || {}).directsOrEmploys || [],
        declaration: { financial: x.financial, business: x.business, personal: x.personal },
      };
    });
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const view = await recordOrKeep(
        `/assessments/${assessment.id}/conflicts`,
        { patientTeams: assessment.patientTeams || [], assessors },
        { method: 'PUT', label: 'Who is assessing, and their declarations', ...filled.options(['conflicts']) },
      );
      filled.recorded(view);
      setErrors([]);
      onRecorded(view, view ? 'Who is assessing, and their declarations: recorded.' : keptText('Who is assessing, and their declarations'));
    } catch (err) {
      setErrors(problemErrors(err, {}, 'coi-team-amhp'));
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  return html`
    <section aria-labelledby="conflicts-heading" id="conflicts" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="conflicts-heading">Who is assessing</h2>
      <p class="nhsuk-body-s app-muted">Conflicts of interest: each assessor’s clinical team and what they declare.</p>
      ${assessment.conflicts.length > 0 && html`<p class="nhsuk-body"><span class="app-step__tick" aria-hidden="true">✓</span> Recorded for ${assessment.conflicts.length}.</p>`}
      <form novalidate onSubmit=${submit}>
        <${FormErrors} id="conflicts" errors=${errors} />
        ${people.map((p) => {
          const x = v[p.assessorId] || { team: '', financial: false, business: false, personal: false };
          const slug = p.assessorId === 'amhp' ? 'amhp' : p.assessorId.slice(0, 8);
          return html`<fieldset class="nhsuk-fieldset app-assessor" key=${p.assessorId}>
            <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">${p.name} (${p.role === 'amhp' ? 'AMHP' : 'doctor'})</legend>
            <${TextInput}
              id=${`coi-team-${slug}`}
              label="Clinical team"
              hint="Commas between teams; empty if none"
              value=${x.team}
              onValue=${setFor(p.assessorId, 'team')}
              errors=${errors}
            />
            <p class="nhsuk-body-s">Tick any interest they declare:</p>
            <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
              <${Checkbox} id=${`coi-fin-${slug}`} label="A financial interest in the outcome" checked=${x.financial} onValue=${setFor(p.assessorId, 'financial')} />
              <${Checkbox}
                id=${`coi-bus-${slug}`}
                label="A business venture with the person or another assessor"
                checked=${x.business}
                onValue=${setFor(p.assessorId, 'business')}
              />
              <${Checkbox}
                id=${`coi-per-${slug}`}
                label="Related to the person or another assessor"
                checked=${x.personal}
                onValue=${setFor(p.assessorId, 'personal')}
              />
            </div>
          </fieldset>`;
        })}
        <button class="nhsuk-button" type="submit" disabled=${busy || disabled}>Save who is assessing</button>
      </form>
    </section>
  `;
}

const NR_METHODS = [
  { value: 'phone', label: 'Phone' },
  { value: 'in-person', label: 'In person' },
  { value: 'video', label: 'Video' },
  { value: 'letter', label: 'Letter' },
  { value: 'email', label: 'Email' },
];

/**
 * The nearest relative for this assessment: the one s.26 proposes confirmed (or none can be ascertained, with why),
 * and when they were informed (s.2) or consulted (s.3, s.7), or why that was not practicable.
 */
export function NearestRelativeForm({ assessment, nr, onRecorded, disabled }) {
  const filled = useFilledFrom(assessment);
  const proposed = nr && nr.proposal.nearestRelative;
  const recorded = assessment.nearestRelative;
  const [v, setV] = useState(() => ({
    who: proposed && proposed.relativeId ? 'proposed' : 'none',
    noneReason: '',
    told: 'informed',
    when: null,
    method: 'phone',
    facts: '',
    views: '',
  }));
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const set = (k) => (x) => setV((old) => ({ ...old, [k]: x }));

  async function submit(e) {
    e.preventDefault();
    const errs = [];
    const body = {};
    if (v.who === 'proposed') body.relativeId = proposed.relativeId;
    else if (v.noneReason.trim().length < 10)
      errs.push({ field: 'nr-none-reason', text: 'Say why no nearest relative can be identified (at least 10 characters)' });
    else body.noneReason = v.noneReason.trim();
    if (v.who === 'proposed') {
      if (v.told === 'informed' || v.told === 'consulted') {
        body[`${v.told}At`] = instantOf(v.when, 'nr-when', `when they were ${v.told}`, errs);
        body[`${v.told}Method`] = v.method;
      } else if (v.told === 'not-practicable') {
        if (v.facts.trim().length < 20) errs.push({ field: 'nr-facts', text: 'Give the facts relied on (at least 20 characters)' });
        else body.exception = { kind: 'not-reasonably-practicable', facts: v.facts.trim() };
      }
      if (v.views.trim()) body.views = v.views.trim();
    }
    if (errs.length) return setErrors(errs);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const view = await recordOrKeep(`/assessments/${assessment.id}/nearest-relative`, body, {
        method: 'PUT',
        label: 'Nearest relative',
        ...filled.options(['nearestRelative']),
      });
      filled.recorded(view);
      setErrors([]);
      onRecorded(view, view ? 'Nearest relative: recorded.' : keptText('Nearest relative'));
    } catch (err) {
      setErrors(
        problemErrors(
          err,
          { noneReason: 'nr-none-reason', informedAt: 'nr-when', consultedAt: 'nr-when', exception: 'nr-facts' },
          'nr-who',
        ),
      );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  const options = [
    ...(proposed && proposed.relativeId ? [{ value: 'proposed', label: `${proposed.name}, as s.26 proposes` }] : []),
    { value: 'none', label: 'No nearest relative can be identified' },
  ];
  return html`
    <div class="app-nr-form">
      <h3 class="nhsuk-heading-s">For this assessment</h3>
      ${
        recorded &&
        html`<p class="nhsuk-body" data-nr-recorded>
          <span class="app-step__tick" aria-hidden="true">✓</span>${' '}
          ${recorded.name ? `${recorded.name}` : `None: ${String(recorded.noneReason).replace(/\.$/, '')}`}${recorded.informedAt ? `; informed ${localTime(recorded.informedAt)}` : ''}${
            recorded.consultedAt ? `; consulted ${localTime(recorded.consultedAt)}` : ''
          }${recorded.exception ? '; not practicable to tell them' : ''}.
        </p>`
      }
      <form novalidate onSubmit=${submit}>
        <${FormErrors} id="nearest-relative" errors=${errors} />
        <${Radios} id="nr-who" legend="Nearest relative" options=${options} value=${v.who} onValue=${set('who')} errors=${errors} small />
        ${
          v.who === 'none'
            ? html`<${TextArea} id="nr-none-reason" label="Why none can be identified" value=${v.noneReason} onValue=${set('noneReason')} errors=${errors} rows="2" />`
            : html`<${Radios}
                  id="nr-told"
                  legend="Have you told them?"
                  options=${[
                    { value: 'informed', label: 'Informed of the application (s.2)' },
                    { value: 'consulted', label: 'Consulted (s.3 or s.7)' },
                    { value: 'not-practicable', label: 'Not reasonably practicable' },
                    { value: 'not-yet', label: 'Not yet' },
                  ]}
                  value=${v.told}
                  onValue=${set('told')}
                  errors=${errors}
                  small
                />
                ${
                  (v.told === 'informed' || v.told === 'consulted') &&
                  html`<${WhenInput} id="nr-when" label="When" value=${v.when} onValue=${set('when')} errors=${errors} />
                    <${Radios} id="nr-method" legend="How" options=${NR_METHODS} value=${v.method} onValue=${set('method')} errors=${errors} small />`
                }
                ${
                  v.told === 'not-practicable' &&
                  html`<${TextArea} id="nr-facts" label="The facts relied on, as they are now" value=${v.facts} onValue=${set('facts')} errors=${errors} rows="3" />`
                }
                <${TextArea} id="nr-views" label="What they said (optional)" value=${v.views} onValue=${set('views')} errors=${errors} rows="2" />`
        }
        <button class="nhsuk-button" type="submit" disabled=${busy || disabled}>Save the nearest relative</button>
      </form>
    </div>
  `;
}
