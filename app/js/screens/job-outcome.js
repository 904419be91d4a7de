// The job screen's end of the night: the live checklist against the Act (each blocker says what to record and links
// to where), the outcome with the warnings the service asks to acknowledge, and the outcome report (read here, or
// shared as a PDF fetched with the access token and never cached).
import { html, errorText } from '../ui.js';
import { useEffect, useRef, useState } from '../deps.js';
import { keptText, recordOrKeep } from '../outbox.js';
import { api, apiFile, serverNow } from '../session.js';
import { localClock, localTime } from '../time.js';
import { useOutbox } from '../offline.js';
import {
  Checkbox,
  FormErrors,
  PlaceLink,
  Radios,
  TextArea,
  TextInput,
  WhenInput,
  instantOf,
  problemErrors,
  useFilledFrom,
} from './job-forms.js';

/** Where on this screen a finding is put right, and what to record there (by its rule's family). */
function remedy(f) {
  const r = f.rule;
  if (r === 'APP-04') return { to: 'step-contact', text: 'Tap “I saw the person, in person” when you have.' };
  if (r === 'APP-06') return { to: 'interview', text: 'Record the interview.' };
  if (r === 'APP-07' || r.startsWith('MED')) return { to: 'recommendations', text: 'Record the medical recommendations.' };
  if (r.startsWith('COI')) return { to: 'conflicts', text: 'Record who is assessing and their declarations.' };
  if (r === 'APP-03' || r === 'COP-03' || r === 'APP-10' || r.startsWith('GDN') || r === 'MHA25-06')
    return { to: 'outcome', text: 'Give it with the application, in the outcome below.' };
  if (r.startsWith('NR') || r.startsWith('MHA25'))
    return { to: 'nearest-relative', text: 'Record the nearest relative, and when they were informed or consulted.' };
  if (r.startsWith('AMHP') || r === 'APP-01') return { to: null, text: 'Your own approval to act: call the manager on call.' };
  return { to: null, text: f.citation ? `See ${f.citation}.` : '' };
}

const SECTION_WORDS = { s2: 's.2', s3: 's.3', s4: 's.4', s7: 's.7' };

/** The live checklist for an application under `section`: blockers first, each with what clears it. */
/** The live checklist; `readOnly` (a co-AMHP, who records nothing) leaves off where to record each thing. */
export function Checklist({ checks, error, readOnly = false }) {
  if (error)
    return html`<section aria-labelledby="checks-heading" id="checks" class="app-section">
    <h2 class="nhsuk-heading-m" id="checks-heading">Checklist</h2>
    <p class="nhsuk-body app-alert">${error}</p>
  </section>`;
  if (!checks) return null;
  const blockers = checks.findings.filter((f) => f.severity === 'blocker');
  const first = blockers.filter((f) => remedy(f).to !== 'outcome');
  const withApplication = blockers.filter((f) => remedy(f).to === 'outcome');
  const warnings = checks.findings.filter((f) => f.severity !== 'blocker');
  const item = (f) => {
    const fix = remedy(f);
    return html`<li key=${f.code} class="app-finding app-finding--blocker" data-rule=${f.rule}>
      <p class="nhsuk-body-s app-finding__message"><strong>${f.rule}</strong> ${f.message}</p>
      ${!readOnly && html`<p class="nhsuk-body-s app-finding__fix">${fix.to ? html`<${PlaceLink} to=${fix.to}>${fix.text}</${PlaceLink}>` : fix.text}</p>`}
    </li>`;
  };
  return html`
    <section aria-labelledby="checks-heading" id="checks" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="checks-heading">Checklist for a ${SECTION_WORDS[checks.section] || checks.section} application</h2>
      <p class="nhsuk-body-s app-muted">As at ${localTime(checks.evaluatedAt)}.</p>
      ${
        first.length
          ? html`<p class="nhsuk-body"><strong>${first.length} to record before an application</strong></p>
              <ul class="nhsuk-list app-findings" data-checks="to-record">
                ${first.map(item)}
              </ul>`
          : html`<p class="nhsuk-body app-clear" data-checks="clear">
              <span class="app-step__tick" aria-hidden="true">✓</span> Everything the record needs is recorded${withApplication.length ? ': the rest is given with the application.' : '.'}
            </p>`
      }
      ${
        withApplication.length > 0 &&
        html`<h3 class="nhsuk-heading-s">Given with the application</h3>
          <ul class="nhsuk-list app-findings" data-checks="with-application">
            ${withApplication.map(item)}
          </ul>`
      }
      ${
        warnings.length > 0 &&
        html`<h3 class="nhsuk-heading-s">Warnings (acknowledge them with the outcome)</h3>
          <ul class="nhsuk-list app-findings">
            ${warnings.map(
              (f) => html`<li key=${f.code} class="app-finding app-finding--warning" data-rule=${f.rule}>
                <p class="nhsuk-body-s app-finding__message"><strong>${f.rule}</strong> ${f.message}</p>
              </li>`,
            )}
          </ul>`
      }
      ${
        checks.deadlines.length > 0 &&
        html`<h3 class="nhsuk-heading-s">Deadlines</h3>
          <ul class="nhsuk-list">
            ${checks.deadlines.map((d) => html`<li key=${d.id} class="nhsuk-body-s">${d.label}: <strong>${localTime(d.at)}</strong></li>`)}
          </ul>`
      }
    </section>
  `;
}

const OUTCOMES = [
  { value: 's2', label: 'Application under section 2' },
  { value: 's3', label: 'Application under section 3' },
  { value: 's4', label: 'Application under section 4 (emergency)' },
  { value: 's7', label: 'Guardianship application (section 7)' },
  { value: 'not-detained', label: 'Not detained' },
  { value: 'deferred', label: 'Decision deferred' },
];
const ALTERNATIVES = [
  { value: 'informal-admission', label: 'Informal admission' },
  { value: 'crisis-home-treatment', label: 'Crisis and home treatment' },
  { value: 'community-follow-up', label: 'Community follow-up' },
  { value: 'care-package', label: 'A care package' },
  { value: 'no-further-action', label: 'No further action' },
  { value: 'unable-to-complete', label: 'The assessment could not be completed' },
];
const OUTCOME_WORDS = { 'not-detained': 'Not detained', 'cto-decision': 'CTO decision' };

/** The outcome recorded: what was decided and when. */
function Decided({ assessment }) {
  const o = assessment.outcome || {};
  const what =
    assessment.outcomeKind === 'application'
      ? `Application under ${SECTION_WORDS[assessment.section] || assessment.section}`
      : (o.alternatives || []).includes('decision-deferred')
        ? 'Decision deferred'
        : OUTCOME_WORDS[assessment.outcomeKind] || assessment.outcomeKind;
  const acks = o.acknowledgements || [];
  return html`<div class="nhsuk-card app-card" data-outcome=${assessment.outcomeKind}>
    <div class="nhsuk-card__content">
      <h3 class="nhsuk-card__heading nhsuk-heading-s">${what}</h3>
      <p class="nhsuk-body-s">Decided ${localTime(assessment.decidedAt)}.</p>
      ${acks.length > 0 && html`<p class="nhsuk-body-s">${acks.length} warning${acks.length > 1 ? 's' : ''} acknowledged.</p>`}
    </div>
  </div>`;
}

/**
 * The outcome. An application the service refuses for warnings comes back with each warning: the AMHP ticks each to
 * acknowledge it, gives her reason, and sends the same outcome again (nothing else is typed again).
 */
export function OutcomeSection({ assessment, section, setSection, onRecorded, disabled }) {
  const filled = useFilledFrom(assessment);
  const decision = assessment.timeline.find((e) => e.type === 'decision');
  const [v, setV] = useState(() => ({
    kind: section,
    signedAt: null,
    hospitalSite: '',
    dependants: '',
    pets: '',
    property: '',
    undesirableDelay: false,
    guardianType: 'lssa',
    guardianName: '',
    willing: false,
    alternatives: [],
    rationale: '',
  }));
  const [warnings, setWarnings] = useState([]);
  const [acks, setAcks] = useState({});
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  // An outcome saved on this phone and not sent yet: shown at the button, and not saved a second time unasked.
  const outcomeTag = `outcome:${assessment.id}`;
  const waiting = useOutbox().pending.filter((i) => i.tag === outcomeTag);
  const set = (k) => (x) => setV((old) => ({ ...old, [k]: x }));
  const application = ['s2', 's3', 's4', 's7'].includes(v.kind);

  function choose(kind) {
    setV((old) => ({ ...old, kind }));
    setWarnings([]);
    if (['s2', 's3', 's4', 's7'].includes(kind)) setSection(kind);
  }

  if (assessment.status !== 'open') {
    return html`<section aria-labelledby="outcome-heading" id="outcome" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="outcome-heading">Outcome</h2>
      <${Decided} assessment=${assessment} />
    </section>`;
  }

  function body(errs) {
    const b = { rationale: v.rationale.trim() };
    // When she decided travels with the outcome: the "Decision made" step if she tapped it, else the moment she records
    // it here (the service's time), so an outcome kept on the phone without a signal is not dated when it is sent.
    // An application is decided when she signs it (its signedAt), as the service takes it.
    if (decision) b.decidedAt = decision.at;
    else if (!application) b.decidedAt = new Date(serverNow()).toISOString();
    if (application) {
      b.kind = 'application';
      b.section = v.kind;
      b.signedAt = instantOf(v.signedAt, 'out-signed', 'when you signed the application', errs);
      if (!v.hospitalSite.trim() && v.kind !== 's7')
        errs.push({ field: 'out-hospital', text: 'Enter the hospital the application is addressed to' });
      if (v.hospitalSite.trim()) b.hospitalSite = v.hospitalSite.trim();
      b.practicalMatters = {};
      for (const k of ['dependants', 'pets', 'property']) {
        if (!v[k].trim())
          errs.push({ field: `out-${k}`, text: `Enter the arrangements for ${k === 'property' ? 'the home' : k} (or “none”)` });
        else b.practicalMatters[k] = v[k].trim();
      }
      if (v.kind === 's4') b.undesirableDelayStatement = v.undesirableDelay;
      if (v.kind === 's7') {
        if (v.guardianName.trim().length < 2) errs.push({ field: 'out-guardian', text: 'Enter the guardian' });
        b.guardian = { type: v.guardianType, name: v.guardianName.trim(), willingnessStatement: v.willing };
      }
    } else {
      b.kind = 'not-detained';
      b.alternatives = v.kind === 'deferred' ? ['decision-deferred', ...v.alternatives] : v.alternatives;
      if (!b.alternatives.length) errs.push({ field: 'out-alt-informal-admission', text: 'Tick what was put in place instead' });
    }
    if (b.rationale.length < 20) errs.push({ field: 'out-rationale', text: 'Give the decision and its reasons (at least 20 characters)' });
    const acknowledgements = [];
    for (const w of warnings) {
      const a = acks[w.code] || { ticked: false, reason: '' };
      if (!a.ticked) errs.push({ field: `ack-${w.code}`, text: `Tick to acknowledge: ${w.message}` });
      else if (a.reason.trim().length < 10)
        errs.push({ field: `ack-reason-${w.code}`, text: 'Give your reason for going ahead (at least 10 characters)' });
      else acknowledgements.push({ code: w.code, reason: a.reason.trim() });
    }
    if (acknowledgements.length) b.acknowledgements = acknowledgements;
    return b;
  }

  async function submit(e) {
    e.preventDefault();
    const errs = [];
    const b = body(errs);
    if (errs.length) return setErrors(errs);
    if (held.current) return;
    // An assessment has one outcome: a second one recorded before the first was sent replaces it (the last decision is
    // the decision), never goes as well (the service would keep the first and refuse hers).
    if (
      waiting.length &&
      !confirm(
        `An outcome is already saved on this phone, waiting to send (${localClock(waiting[waiting.length - 1].created)}). Replace it with this one? Only this one will be sent.`,
      )
    )
      return;
    held.current = true;
    setBusy(true);
    try {
      const view = await recordOrKeep(`/assessments/${assessment.id}/outcome`, b, {
        label: 'Outcome',
        tag: outcomeTag,
        supersede: true,
        ...filled.options(['outcomeKind', 'outcome']),
      });
      filled.recorded(view);
      setErrors([]);
      setWarnings([]);
      onRecorded(view, view ? 'Outcome: recorded.' : keptText('Outcome'));
    } catch (err) {
      if (err.code === 'warnings-not-acknowledged' && err.findings.length) {
        setWarnings(err.findings.filter((f) => f.severity === 'warning'));
        setErrors([
          { field: `ack-${err.findings[0].code}`, text: 'Acknowledge each warning below, with your reason, and record the outcome again' },
        ]);
      } else {
        setErrors(
          problemErrors(
            err,
            {
              signedAt: 'out-signed',
              hospitalSite: 'out-hospital',
              rationale: 'out-rationale',
              alternatives: 'out-alt-informal-admission',
              guardian: 'out-guardian',
            },
            'out-kind',
          ),
        );
      }
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  const setAck = (code, k) => (x) => setAcks((old) => ({ ...old, [code]: { ...(old[code] || { ticked: false, reason: '' }), [k]: x } }));

  return html`
    <section aria-labelledby="outcome-heading" id="outcome" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="outcome-heading">Outcome</h2>
      <form novalidate onSubmit=${submit}>
        <${FormErrors} id="outcome" errors=${errors} />
        <${Radios} id="out-kind" legend="What did you decide?" options=${OUTCOMES} value=${v.kind} onValue=${choose} errors=${errors} />
        ${
          application &&
          html`<${WhenInput} id="out-signed" label="You signed the application at" value=${v.signedAt} onValue=${set('signedAt')} errors=${errors} />
            ${
              v.kind !== 's7' &&
              html`<${TextInput}
                id="out-hospital"
                label="Hospital the application is addressed to"
                hint="The specific hospital, not just the trust"
                value=${v.hospitalSite}
                onValue=${set('hospitalSite')}
                errors=${errors}
              />`
            }
            <h3 class="nhsuk-heading-s">Practical matters</h3>
            <${TextInput}
              id="out-dependants"
              label="Dependent children or adults they care for"
              hint="Write “none” if there are none"
              value=${v.dependants}
              onValue=${set('dependants')}
              errors=${errors}
            />
            <${TextInput} id="out-pets" label="Pets" hint="Write “none” if there are none" value=${v.pets} onValue=${set('pets')} errors=${errors} />
            <${TextInput} id="out-property" label="The home and property" value=${v.property} onValue=${set('property')} errors=${errors} />
            ${
              v.kind === 's4' &&
              html`<div class="nhsuk-form-group nhsuk-checkboxes nhsuk-checkboxes--small">
                <${Checkbox}
                  id="out-delay"
                  label="Complying with section 2 would involve undesirable delay"
                  checked=${v.undesirableDelay}
                  onValue=${set('undesirableDelay')}
                />
              </div>`
            }
            ${
              v.kind === 's7' &&
              html`<${Radios}
                  id="out-guardian-type"
                  legend="Guardian"
                  options=${[
                    { value: 'lssa', label: 'The local social services authority' },
                    { value: 'private', label: 'A private guardian' },
                  ]}
                  value=${v.guardianType}
                  onValue=${set('guardianType')}
                  errors=${errors}
                  small
                />
                <${TextInput} id="out-guardian" label="Guardian’s name" value=${v.guardianName} onValue=${set('guardianName')} errors=${errors} />
                <div class="nhsuk-form-group nhsuk-checkboxes nhsuk-checkboxes--small">
                  <${Checkbox} id="out-willing" label="The guardian has said they are willing to act" checked=${v.willing} onValue=${set('willing')} />
                </div>`
            }`
        }
        ${
          !application &&
          html`<div class="nhsuk-form-group">
            <fieldset class="nhsuk-fieldset">
              <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">
                ${v.kind === 'deferred' ? 'Put in place meanwhile (if any)' : 'What was put in place instead'}
              </legend>
              <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                ${ALTERNATIVES.map(
                  (a) => html`<${Checkbox}
                    key=${a.value}
                    id=${`out-alt-${a.value}`}
                    label=${a.label}
                    checked=${v.alternatives.includes(a.value)}
                    onValue=${(on) => set('alternatives')(on ? [...v.alternatives, a.value] : v.alternatives.filter((x) => x !== a.value))}
                  />`,
                )}
              </div>
            </fieldset>
          </div>`
        }
        <${TextArea} id="out-rationale" label="The decision and its reasons" value=${v.rationale} onValue=${set('rationale')} errors=${errors} rows="4" />
        ${decision && html`<p class="nhsuk-body-s">Decided at ${localTime(decision.at)}, as you recorded.</p>`}
        ${
          warnings.length > 0 &&
          html`<div class="app-warnings" id="warnings">
            <h3 class="nhsuk-heading-s">Warnings to acknowledge</h3>
            ${warnings.map((w) => {
              const a = acks[w.code] || { ticked: false, reason: '' };
              return html`<div class="app-finding app-finding--warning app-ack" key=${w.code} data-warning=${w.code}>
                <p class="nhsuk-body-s"><strong>${w.rule}</strong> ${w.message}</p>
                <div class="nhsuk-checkboxes nhsuk-checkboxes--small">
                  <${Checkbox} id=${`ack-${w.code}`} label="I acknowledge this warning" checked=${a.ticked} onValue=${setAck(w.code, 'ticked')} />
                </div>
                ${
                  a.ticked &&
                  html`<${TextArea}
                    id=${`ack-reason-${w.code}`}
                    label="Why you go ahead"
                    value=${a.reason}
                    onValue=${setAck(w.code, 'reason')}
                    errors=${errors}
                    rows="2"
                  />`
                }
              </div>`;
            })}
          </div>`
        }
        ${
          waiting.length > 0 &&
          html`<p class="nhsuk-body app-step__waiting" role="status">
            Outcome saved on this phone, waiting to send (${waiting.map((i) => localClock(i.created)).join(', ')}). It is sent when there is a
            signal.
          </p>`
        }
        <button class="nhsuk-button" type="submit" disabled=${busy || disabled}>Record the outcome</button>
      </form>
    </section>
  `;
}

/** Shares a file with the phone's share sheet when it can take files, else downloads it. */
async function shareOrDownload(file) {
  if (navigator.canShare && navigator.share && navigator.canShare({ files: [file] })) {
    await navigator.share({ files: [file], title: file.name });
    return 'shared';
  }
  const url = URL.createObjectURL(file);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = file.name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
  return 'downloaded';
}

/** The outcome report: read here (an audited read, like any other), or shared as its PDF. */
export function ReportSection({ assessment }) {
  const [report, setReport] = useState(null);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const [said, setSaid] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => setReport(null), [assessment.version]);
  if (assessment.status === 'open') return null;

  async function open() {
    if (held.current) return;
    held.current = true;
    setBusy(true);
    setError(null);
    try {
      setReport(await api(`/assessments/${assessment.id}/report`));
    } catch (err) {
      setError(errorText(err));
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  async function share() {
    if (held.current) return;
    held.current = true;
    setBusy(true);
    setError(null);
    try {
      const { blob, filename, type } = await apiFile(`/assessments/${assessment.id}/report?format=pdf`, 'application/pdf');
      const how = await shareOrDownload(new File([blob], filename, { type }));
      setSaid(how === 'shared' ? 'The report was shared.' : `The report was saved as ${filename}.`);
    } catch (err) {
      // Closing the share sheet without choosing is not an error.
      if (err && err.name === 'AbortError') setSaid(null);
      else setError(errorText(err));
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  return html`
    <section aria-labelledby="report-heading" id="report" tabindex="-1" class="app-section">
      <h2 class="nhsuk-heading-m" id="report-heading">Outcome report</h2>
      ${error && html`<p class="nhsuk-body app-alert" role="alert">${error}</p>`}
      <div role="status">${said && html`<p class="nhsuk-body">${said}</p>`}</div>
      <div class="app-actions">
        <button type="button" class="nhsuk-button nhsuk-button--secondary" disabled=${busy} onClick=${open} aria-expanded=${report ? 'true' : 'false'} aria-controls="report-body">
          Read the report
        </button>
        <button type="button" class="nhsuk-button" disabled=${busy} onClick=${share}>Share the report (PDF)</button>
      </div>
      <div id="report-body">
        ${
          report &&
          html`<article class="app-report" aria-label=${report.title}>
            <h3 class="nhsuk-heading-s">${report.title}</h3>
            <p class="nhsuk-body-s app-muted">${report.council ? `${report.council} · ` : ''}Made ${report.generatedAtLocal}</p>
            ${report.sections.map(
              (s) => html`<section key=${s.id} aria-labelledby=${`report-${s.id}`}>
                <h4 class="nhsuk-heading-xs" id=${`report-${s.id}`}>${s.heading}</h4>
                <dl class="nhsuk-summary-list app-summary">
                  ${s.lines.map(
                    (l, i) => html`<div class="nhsuk-summary-list__row" key=${i}>
                      <dt class="nhsuk-summary-list__key">${l.label || ''}</dt>
                      <dd class="nhsuk-summary-list__value">${l.text}</dd>
                    </div>`,
                  )}
                </dl>
              </section>`,
            )}
          </article>`
        }
      </div>
    </section>
  `;
}
