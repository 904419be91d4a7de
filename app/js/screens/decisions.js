// Out-of-hours decisions for the duty AMHP: start a draft (type, when, who), fill in the record the recording standard
// asks for (OOH-08) and the type's own facts, then sign it. What still stops signing comes from the service
// (`missingForSigning`) and is shown against each field; above the delegated-authority limit, the escalation to a
// senior manager is recorded before signing. Every change goes through `record()`.
import { html, word, unreachable, ErrorSummary, SavedOnPhoneScreen, useTitle } from '../ui.js';
import { useEffect, useRef, useState } from '../deps.js';
import { api, serverNow } from '../session.js';
import { basedOn, keptText, newKey, recordOrKeep, refused } from '../outbox.js';
import { href, navigate } from '../router.js';
import { localTime, londonInputValue } from '../time.js';
import {
  Checkboxes,
  DateTime,
  Input,
  Radios,
  Select,
  TextArea,
  checkedValues,
  errorFor,
  instantOf,
  penceOf,
  pounds,
  problemErrors,
  radioValue,
  valueOf,
} from './form-kit.js';

export const DECISION_TYPES = [
  ['adult-safeguarding', 'Adult safeguarding concern (Care Act s.42)'],
  ['best-interests', 'Best-interests decision (Mental Capacity Act)'],
  ['dols-urgent-authorisation', 'DoLS urgent authorisation received'],
  ['dols-extension', 'DoLS urgent authorisation: extension'],
  ['emergency-placement', 'Emergency placement or accommodation'],
  ['carer-breakdown', 'Carer breakdown'],
  ['child-protection-referral', "Concern passed to children's services"],
  ['other', 'Something else'],
].map(([value, label]) => ({ value, label }));
export const typeLabel = (t) => (DECISION_TYPES.find((x) => x.value === t) || { label: word(t) }).label;

const FRAMEWORKS = [
  ['care-act-s42', 'Care Act s.42'],
  ['care-act-other', 'Care Act (other)'],
  ['mca-s5', 'Mental Capacity Act s.5'],
  ['mca-best-interests', 'Mental Capacity Act: best interests'],
  ['dols', 'Deprivation of Liberty Safeguards'],
  ['mha', 'Mental Health Act'],
  ['children-act', 'Children Act'],
  ['common-law', 'Common law'],
  ['other', 'Other'],
].map(([value, label]) => ({ value, label }));

const YES_NO = [
  { value: 'true', label: 'Yes' },
  { value: 'false', label: 'No' },
];

// The type's own facts, as the service's rules name them (details.*). kind: text, area, bool, instant, int, pounds,
// enum (options), list (options).
const DETAILS = {
  'adult-safeguarding': [
    ['s42.careAndSupportNeeds', 'bool', 'Does the adult have needs for care and support?'],
    ['s42.abuseOrNeglect', 'bool', 'Are they experiencing, or at risk of, abuse or neglect?'],
    ['s42.unableToProtectSelf', 'bool', 'Because of those needs, are they unable to protect themselves?'],
    ['s42.evidence', 'area', 'The evidence for the s.42 test'],
    ['immediateProtection', 'area', 'Immediate protective actions (if any)'],
    ['policeReferral', 'bool', 'Were the police told?'],
    ['advocacyNeeded', 'bool', 'Is an advocate needed (Care Act s.68)?'],
    ['enquiryDelegatedTo', 'text', 'Who the enquiry is delegated to (if anyone)'],
  ],
  'best-interests': [
    ['capacity.decision', 'text', 'The decision capacity was assessed for'],
    ['capacity.assessedAt', 'instant', 'When capacity was assessed'],
    ['capacity.impairment', 'bool', 'Is there an impairment of, or disturbance in the functioning of, the mind or brain?'],
    [
      'capacity.unableTo',
      'list',
      'What is the person unable to do?',
      [
        ['understand', 'Understand the information'],
        ['retain', 'Retain it'],
        ['use-or-weigh', 'Use or weigh it'],
        ['communicate', 'Communicate the decision'],
      ],
    ],
    ['capacity.causalLink', 'bool', 'Is the inability to decide because of the impairment?'],
    ['capacity.practicableStepsTaken', 'area', 'The practicable steps taken to help them decide'],
    ['bestInterests.canItWait', 'area', 'Can the decision wait until they may have capacity?'],
    ['bestInterests.wishesAndFeelings', 'area', 'Their past and present wishes and feelings'],
    ['bestInterests.beliefsAndValues', 'area', 'Their beliefs and values'],
    ['bestInterests.attorneyOrDeputyChecked', 'bool', 'Was a lasting power of attorney or a deputy checked for?'],
    ['bestInterests.imcaRequired', 'bool', 'Is an IMCA required?'],
    ['bestInterests.leastRestrictive', 'area', 'The less restrictive option considered'],
  ],
  'dols-urgent-authorisation': [
    ['managingAuthority', 'text', 'The managing authority (care home or hospital)'],
    ['grantedAt', 'instant', 'When the urgent authorisation was given'],
    ['days', 'int', 'How many days it lasts (at most 7)'],
    ['standardRequestedAt', 'instant', 'When the standard authorisation was requested (empty if it was not)'],
  ],
  'dols-extension': [
    ['managingAuthority', 'text', 'The managing authority (care home or hospital)'],
    ['grantedAt', 'instant', 'When the urgent authorisation was given'],
    ['days', 'int', 'How many days the urgent authorisation lasts (at most 7)'],
    ['standardRequestedAt', 'instant', 'When the standard authorisation was requested (empty if it was not)'],
    ['extension.requestedAt', 'instant', 'When the managing authority asked for the extension'],
    ['extension.decidedAt', 'instant', 'When the extension was decided'],
    [
      'extension.decision',
      'enum',
      'The decision',
      [
        ['extended', 'Extended'],
        ['refused', 'Refused'],
      ],
    ],
    ['extension.days', 'int', 'Days of the extension (at most 7)'],
    ['extension.exceptionalReasons', 'area', 'The exceptional reasons the standard authorisation is not yet decided'],
    ['extension.essentialToContinue', 'bool', 'Is it essential for the detention to continue until then?'],
    ['previousExtensions', 'int', 'Earlier extensions of this urgent authorisation (if any)'],
  ],
  'emergency-placement': [
    ['placement', 'text', 'The placement or accommodation'],
    ['startsAt', 'instant', 'When the placement starts'],
    ['costPence', 'pounds', 'The cost committed (£)'],
    ['fundingAuthority', 'text', 'The authority funding it'],
  ],
  'carer-breakdown': [
    ['carer', 'text', 'The carer whose care has broken down'],
    ['arrangement', 'area', 'The arrangement made instead'],
  ],
  'child-protection-referral': [
    ['childrenServicesContacted', 'text', "Who at children's services was contacted"],
    ['contactedAt', 'instant', 'When they were contacted'],
    ['reference', 'text', 'Their reference (if given)'],
  ],
  other: [],
};

function get(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}
function set(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
}
const asInput = (iso) => (iso ? londonInputValue(Date.parse(iso)) : undefined);
const boolValue = (v) => (v === true ? 'true' : v === false ? 'false' : undefined);

/**
 * The id of the form's field for a path the service names ("content.consultees[0].name", "details.s42"): the field
 * itself, else the first field under it, else the nearest field above it.
 */
export function fieldFor(path) {
  if (document.getElementById(path)) return path;
  const under = document.querySelector(`[id^="${CSS.escape(path)}."], [id^="${CSS.escape(path)}["]`);
  if (under) return under.id;
  const parts = path.split(/(?=[.[])/);
  while (parts.length > 1) {
    parts.pop();
    const up = parts.join('');
    if (document.getElementById(up)) return up;
  }
  return 'type';
}

function DetailField({ spec, details, err }) {
  const [path, kind, label, options] = spec;
  const id = `details.${path}`;
  const v = get(details, path);
  const error = err(id);
  switch (kind) {
    case 'bool':
      return html`<${Radios} id=${id} legend=${label} options=${YES_NO} value=${boolValue(v)} inline error=${error} />`;
    case 'area':
      return html`<${TextArea} id=${id} label=${label} value=${v} rows="3" error=${error} />`;
    case 'instant':
      return html`<${DateTime} id=${id} label=${label} value=${asInput(v)} error=${error} />`;
    case 'int':
      return html`<${Input} id=${id} label=${label} inputmode="numeric" width="4" value=${v === undefined || v === null ? '' : String(v)} error=${error} />`;
    case 'pounds':
      return html`<${Input} id=${id} label=${label} inputmode="decimal" width="10" value=${typeof v === 'number' ? (v / 100).toFixed(2) : ''} error=${error} />`;
    case 'enum':
      return html`<${Radios} id=${id} legend=${label} options=${options.map(([value, l]) => ({ value, label: l }))} value=${v} error=${error} />`;
    case 'list':
      return html`<${Checkboxes}
        id=${id}
        legend=${label}
        options=${options.map(([value, l]) => ({ value, label: l }))}
        values=${Array.isArray(v) ? v : []}
        error=${error}
      />`;
    default:
      return html`<${Input} id=${id} label=${label} value=${v} error=${error} />`;
  }
}

/** The type's facts from the form; local errors (a bad number) are pushed. Empty top-level keys become null (cleared). */
function readDetails(form, type, local) {
  const out = {};
  for (const [path, kind] of DETAILS[type] || []) {
    const id = `details.${path}`;
    let v;
    if (kind === 'bool') v = radioValue(form, id) === undefined ? undefined : radioValue(form, id) === 'true';
    else if (kind === 'enum') v = radioValue(form, id);
    else if (kind === 'list') v = checkedValues(form, id);
    else if (kind === 'instant') v = instantOf(form, id, local);
    else if (kind === 'int') {
      const raw = valueOf(form, id);
      v = raw === undefined ? undefined : Number(raw);
      if (v !== undefined && !Number.isInteger(v)) {
        local.push({ field: id, text: 'Enter a whole number.' });
        v = undefined;
      }
    } else if (kind === 'pounds') {
      v = penceOf(valueOf(form, id));
      if (Number.isNaN(v)) {
        local.push({ field: id, text: 'Enter an amount in pounds, such as 850 or 1250.50.' });
        v = undefined;
      }
    } else v = valueOf(form, id);
    if (v !== undefined) set(out, path, v);
  }
  for (const [path] of DETAILS[type] || []) {
    const top = path.split('.')[0];
    if (!(top in out)) out[top] = null;
  }
  if (type === 'dols-urgent-authorisation' || type === 'dols-extension') out.standardRequestedAt ??= null;
  return out;
}

const SAC_FIELDS = [
  ['locationOfRisk', 'Where the risk is'],
  ['sourceOfRisk', 'The source of the risk'],
  ['lackedCapacity', 'Did the person lack capacity to make decisions about their safeguarding?'],
  ['capacitySupport', 'If so: were they supported by an advocate, family or friend?'],
  ['mspAsked', 'Were they asked what outcomes they want (Making Safeguarding Personal)?'],
];
const SAC_CONCLUDED = [
  ['action', 'The action taken and its result'],
  ['riskOutcome', 'After the action: the risk'],
  ['mspOutcomesAchieved', 'Were the outcomes they wanted achieved?'],
];

/** OOH-09: the Safeguarding Adults Collection codes of a s.42 decision, chosen from the service's own lists. */
function SacFields({ lists, sac, err }) {
  const choose = (field) => [{ value: '', label: 'Choose' }, ...lists[field].map((c) => ({ value: c.code, label: c.label }))];
  const select = ([field, label]) =>
    html`<${Select} key=${field} id=${`content.sac.${field}`} label=${label} options=${choose(field)} value=${sac[field] || ''} error=${err(`content.sac.${field}`)} />`;
  return html`
    <h2 class="nhsuk-heading-m">Safeguarding Adults Collection</h2>
    <${Checkboxes}
      id="content.sac.typeOfRisk"
      legend="The type of risk (one or more)"
      options=${lists.typeOfRisk.map((c) => ({ value: c.code, label: c.label }))}
      values=${sac.typeOfRisk || []}
      error=${err('content.sac.typeOfRisk')}
    />
    ${SAC_FIELDS.map(select)}
    <${Radios}
      id="content.sac.enquiryConcluded"
      legend="Does this decision conclude the s.42 enquiry?"
      options=${YES_NO}
      value=${boolValue(sac.enquiryConcluded)}
      inline
      error=${err('content.sac.enquiryConcluded')}
    />
    ${SAC_CONCLUDED.map(select)}
  `;
}

function readSac(form) {
  const v = (field) => valueOf(form, `content.sac.${field}`);
  const sac = { typeOfRisk: checkedValues(form, 'content.sac.typeOfRisk') };
  if (!sac.typeOfRisk.length) delete sac.typeOfRisk;
  for (const [field] of SAC_FIELDS) if (v(field)) sac[field] = v(field);
  // What applies only to some answers is sent only with them (the rules refuse it otherwise).
  if (sac.lackedCapacity !== 'yes') delete sac.capacitySupport;
  const concluded = radioValue(form, 'content.sac.enquiryConcluded');
  if (concluded !== undefined) sac.enquiryConcluded = concluded === 'true';
  if (sac.enquiryConcluded) for (const [field] of SAC_CONCLUDED) if (v(field)) sac[field] = v(field);
  if (sac.mspAsked !== 'asked-outcomes-expressed') delete sac.mspOutcomesAchieved;
  return Object.keys(sac).length ? sac : null;
}

/** A list of records (consultees, options, actions): a row each, and a button to add one. */
function Rows({ name, legend, rows, onAdd, addLabel, render }) {
  return html`
    <fieldset class="nhsuk-fieldset app-rows" id=${`content.${name}`} tabindex="-1">
      <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">${legend}</legend>
      ${rows.map((row, i) => html`<div class="app-row" key=${i}>${render(row, i)}</div>`)}
      <button type="button" class="nhsuk-button nhsuk-button--secondary app-button-compact" onClick=${onAdd}>${addLabel}</button>
    </fieldset>
  `;
}

function readRows(form, name, count, fields) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const row = {};
    for (const [key, read] of Object.entries(fields)) {
      const v = read(`content.${name}[${i}].${key}`);
      if (v !== undefined) row[key] = v;
    }
    if (Object.keys(row).some((k) => typeof row[k] === 'string')) out.push(row);
  }
  return out.length ? out : null;
}

export function DecisionsScreen({ me }) {
  const [items, setItems] = useState(null);
  const [error, setError] = useState(null);
  const manager = me.roles.includes('manager');
  useTitle('Decisions – AMHP duty');
  useEffect(() => {
    api(`/decisions?limit=50${manager ? '' : '&author=me'}`)
      .then((page) => setItems(page.items))
      .catch((err) => setError(err instanceof TypeError ? unreachable : err.message));
  }, []);
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <h1 class="nhsuk-heading-l">Decisions</h1>
      ${error && html`<div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${error}</p></div>`}
      <p class="nhsuk-body"><a class="nhsuk-button app-button-link" href=${href('/decisions/new')}>Record a decision</a></p>
      ${
        items === null
          ? !error && html`<p class="nhsuk-body">Loading…</p>`
          : items.length
            ? html`<ul class="nhsuk-list app-cards">
                ${items.map(
                  (d) => html`<li key=${d.id} class="nhsuk-card app-card">
                    <div class="nhsuk-card__content">
                      <h2 class="nhsuk-card__heading nhsuk-heading-s">
                        <a href=${href(`/decisions/${d.id}`)}>${d.personName || 'Someone not named'}: ${typeLabel(d.type)}</a>
                      </h2>
                      <p class="nhsuk-body-s app-muted">
                        ${d.status === 'signed' ? `Signed ${localTime(d.signedAt)}` : 'Draft'} · made ${localTime(d.occurredAt)}${d.escalated ? ' · escalated' : ''}
                      </p>
                      ${d.question && html`<p class="nhsuk-body-s">${d.question}</p>`}
                    </div>
                  </li>`,
                )}
              </ul>`
            : html`<p class="nhsuk-body">No decision is recorded.</p>`
      }
    </main>
  `;
}

export function NewDecisionScreen() {
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const [saved, setSaved] = useState(false);
  const formRef = useRef(null);
  const key = useRef(newKey());
  useTitle(`${errors.length ? 'Error: ' : ''}Record a decision – AMHP duty`);

  async function submit(event) {
    event.preventDefault();
    const form = formRef.current;
    const local = [];
    const occurredAt = instantOf(form, 'occurredAt', local);
    const approximateAge = valueOf(form, 'personDetails.approximateAge');
    const personDetails = JSON.parse(
      JSON.stringify({
        name: valueOf(form, 'personDetails.name') ?? '',
        dateOfBirth: valueOf(form, 'personDetails.dateOfBirth'),
        approximateAge: approximateAge === undefined ? undefined : Number(approximateAge),
        address: valueOf(form, 'personDetails.address'),
      }),
    );
    if (!occurredAt && !local.length) local.push({ field: 'occurredAt', text: 'Enter when the decision was made.' });
    if (local.length) return setErrors(local);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const d = await recordOrKeep(
        '/decisions',
        { type: radioValue(form, 'type'), occurredAt, personDetails },
        { key: key.current, label: `A new ${typeLabel(radioValue(form, 'type')).toLowerCase()} record` },
      );
      if (d === null) return setSaved(true);
      navigate(`/decisions/${d.id}`);
    } catch (err) {
      if (refused(err)) key.current = newKey();
      setErrors(
        problemErrors(err, {
          fallback: 'type',
          known: (id) => Boolean(document.getElementById(id)),
          wordsFor: (f) =>
            ({
              'personDetails.name': 'Enter the name of the person the decision is about.',
              'personDetails.approximateAge': 'Enter an age in years, or leave it empty.',
              type: 'Choose what the decision is about.',
            })[f],
        }),
      );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  const err = (id) => errorFor(errors, id);
  if (saved)
    return html`<${SavedOnPhoneScreen} title="Record a decision" what="The decision record" listName="Decisions" listHref=${href('/decisions')} />`;
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <${ErrorSummary} errors=${errors} />
      <h1 class="nhsuk-heading-l">Record a decision</h1>
      <form ref=${formRef} novalidate onSubmit=${submit}>
        <${Radios} id="type" legend="What is the decision about?" options=${DECISION_TYPES} error=${err('type')} />
        <${DateTime} id="occurredAt" label="When was it made?" error=${err('occurredAt')} />
        <${Input} id="personDetails.name" label="The person's name" error=${err('personDetails.name')} />
        <${Input} id="personDetails.dateOfBirth" label="Date of birth (if known)" type="date" error=${err('personDetails.dateOfBirth')} />
        <${Input}
          id="personDetails.approximateAge"
          label="Or their age, roughly"
          inputmode="numeric"
          width="3"
          error=${err('personDetails.approximateAge')}
        />
        <${Input} id="personDetails.address" label="Where they are" error=${err('personDetails.address')} />
        <button class="nhsuk-button" type="submit" disabled=${busy}>Start the record</button>
      </form>
    </main>
  `;
}

function Signed({ d }) {
  const c = d.content || {};
  const rows = [
    ['Type', typeLabel(d.type)],
    ['Made', localTime(d.occurredAt)],
    ['Signed', localTime(d.signedAt)],
    ['The question', c.question],
    ['The decision', c.decision],
    ['Why', c.rationale],
    ['Handover to day services', c.handoverNote],
    ['Cost', d.costPence === null ? null : pounds(d.costPence)],
    ['Escalated to', d.escalation ? `${d.escalation.to} (${d.escalation.role}), ${d.escalation.outcome}` : null],
  ].filter(([, v]) => v);
  return html`
    <dl class="nhsuk-summary-list">
      ${rows.map(
        ([k, v]) => html`<div class="nhsuk-summary-list__row" key=${k}>
          <dt class="nhsuk-summary-list__key">${k}</dt>
          <dd class="nhsuk-summary-list__value">${v}</dd>
        </div>`,
      )}
    </dl>
    ${
      d.actions.length > 0 &&
      html`<h2 class="nhsuk-heading-m">Follow-up actions</h2>
        <ul class="nhsuk-list nhsuk-list--bullet">
          ${d.actions.map((a) => html`<li key=${a.id}>${a.description}${a.dueAt ? `, due ${localTime(a.dueAt)}` : ''}</li>`)}
        </ul>`
    }
  `;
}

export function DecisionScreen({ params }) {
  const [d, setD] = useState(null);
  const [errors, setErrors] = useState([]);
  const [notice, setNotice] = useState(null);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const [loadError, setLoadError] = useState(null);
  const [counts, setCounts] = useState({ consultees: 1, options: 2, actions: 1 });
  const [lists, setLists] = useState(null);
  const formRef = useRef(null);

  function take(view) {
    const c = view.content || {};
    setCounts((n) => ({
      consultees: Math.max(n.consultees, (c.consultees || []).length || 1),
      options: Math.max(n.options, (c.options || []).length || 2),
      actions: Math.max(n.actions, (c.actions || []).length || 1),
    }));
    setD(view);
  }
  useEffect(() => {
    api(`/decisions/${encodeURIComponent(params.id)}`)
      .then(async (view) => {
        if (view.type === 'adult-safeguarding' && view.status === 'draft') setLists((await api('/decisions/code-lists')).sac);
        take(view);
      })
      .catch((err) => setLoadError(err instanceof TypeError ? unreachable : err.message));
  }, []);
  useTitle(`${errors.length ? 'Error: ' : ''}${d ? typeLabel(d.type) : 'Decision'} – AMHP duty`);

  function build(form, local) {
    const text = (id) => valueOf(form, id) ?? null;
    const time = (id) => instantOf(form, id, local);
    const content = {
      question: text('content.question'),
      legalFrameworks: checkedValues(form, 'content.legalFrameworks'),
      powerOrDuty: text('content.powerOrDuty'),
      facts: text('content.facts'),
      factSources: (valueOf(form, 'content.factSources') || '')
        .split('\n')
        .map((s) => s.trim())
        .filter(Boolean),
      consultees: readRows(form, 'consultees', counts.consultees, {
        name: (id) => valueOf(form, id),
        role: (id) => valueOf(form, id),
        at: time,
        view: (id) => valueOf(form, id),
        notReachedReason: (id) => valueOf(form, id),
      }),
      personViews: text('content.personViews'),
      capacity: text('content.capacity'),
      options: readRows(form, 'options', counts.options, {
        option: (id) => valueOf(form, id),
        leastRestrictive: (id) => form.elements.namedItem(id).checked,
        chosen: (id) => form.elements.namedItem(id).checked,
        whyRejected: (id) => valueOf(form, id),
      }),
      riskAnalysis: text('content.riskAnalysis'),
      decision: text('content.decision'),
      rationale: text('content.rationale'),
      actions: readRows(form, 'actions', counts.actions, {
        description: (id) => valueOf(form, id),
        ownerTeam: (id) => valueOf(form, id),
        dueAt: time,
      }),
      handoverNote: text('content.handoverNote'),
      decisionMakerAuthority: text('content.decisionMakerAuthority'),
    };
    if (!content.legalFrameworks.length) content.legalFrameworks = null;
    if (d.type === 'adult-safeguarding' && lists) content.sac = readSac(form);
    if (!content.factSources.length) content.factSources = null;
    const details = readDetails(form, d.type, local);
    const cost = penceOf(valueOf(form, 'costPence'));
    if (Number.isNaN(cost)) local.push({ field: 'costPence', text: 'Enter an amount in pounds, such as 850 or 1250.50.' });
    const to = valueOf(form, 'escalation.to');
    const escalation = to
      ? JSON.parse(
          JSON.stringify({
            to,
            role: valueOf(form, 'escalation.role') ?? '',
            at: time('escalation.at'),
            outcome: radioValue(form, 'escalation.outcome'),
            note: valueOf(form, 'escalation.note'),
          }),
        )
      : null;
    return { occurredAt: time('occurredAt'), content, details, costPence: Number.isNaN(cost) ? undefined : (cost ?? null), escalation };
  }

  const againstFields = (list) => list.map((m) => ({ field: fieldFor(m.field), text: m.message }));

  async function save(sign) {
    const form = formRef.current;
    const local = [];
    const body = JSON.parse(JSON.stringify(build(form, local)));
    if (local.length) return setErrors(local);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    setNotice(null);
    try {
      // Kept on the phone: said as a status (not signed: signing waits for the record's own answer).
      const kept = (text) => {
        setErrors([]);
        setNotice(text);
      };
      // On the version the form was filled from: what someone changed meanwhile is shown, not overwritten.
      const keys = Object.keys(body);
      let view = await recordOrKeep(`/decisions/${d.id}`, body, {
        method: 'PATCH',
        label: `The ${typeLabel(d.type).toLowerCase()} record`,
        ...basedOn(`/decisions/${d.id}`, d, keys),
      });
      if (view === null) return kept(sign ? `${keptText('The record')} It is not signed: sign it once it is sent.` : keptText('The draft'));
      if (sign) {
        if (view.missingForSigning && view.missingForSigning.length) {
          take(view);
          setErrors(againstFields(view.missingForSigning));
          return;
        }
        view = await recordOrKeep(
          `/decisions/${d.id}/sign`,
          {},
          { label: 'Signing the record', ...basedOn(`/decisions/${d.id}`, view, keys) },
        );
        if (view === null) return kept(keptText('Signing'));
        setNotice('Signed. The follow-up actions are on the handover.');
      } else setNotice(`Draft saved at ${localTime(new Date(serverNow()).toISOString())}.`);
      take(view);
      setErrors([]);
    } catch (err) {
      setErrors(
        problemErrors(err, {
          fallback: 'content.question',
          fieldOf: fieldFor,
        }),
      );
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  const err = (id) => errorFor(errors, id);
  if (loadError)
    return html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main">
      <h1 class="nhsuk-heading-l">Decision</h1>
      <div class="nhsuk-error-summary" role="alert"><p class="nhsuk-body">${loadError}</p></div>
    </main>`;
  if (!d)
    return html`<main class="nhsuk-width-container nhsuk-main-wrapper" id="main"><h1 class="nhsuk-heading-l">Decision</h1><p class="nhsuk-body">Loading…</p></main>`;
  const who =
    (d.person && `${d.person.givenName} ${d.person.familyName}`) || (d.personDetails && d.personDetails.name) || 'Someone not named';
  const c = d.content || {};
  const add = (name) => () => setCounts((n) => ({ ...n, [name]: n[name] + 1 }));
  if (d.view !== 'full' || d.status === 'signed')
    return html`<main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      ${notice && html`<div class="nhsuk-panel app-panel" role="status"><h2 class="nhsuk-panel__title">${notice}</h2></div>`}
      <h1 class="nhsuk-heading-l">${who}: ${typeLabel(d.type)}</h1>
      ${d.view === 'full' ? html`<${Signed} d=${d} />` : html`<p class="nhsuk-body">You may see only that this decision exists.</p>`}
      <p class="nhsuk-body"><a class="app-back" href=${href('/decisions')}>All decisions</a></p>
    </main>`;

  const consultees = c.consultees || [];
  const options = c.options || [];
  const actions = c.actions || [];
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <${ErrorSummary} errors=${errors} />
      ${notice && html`<div class="nhsuk-inset-text" role="status"><p>${notice}</p></div>`}
      <h1 class="nhsuk-heading-l">${who}: ${typeLabel(d.type)}</h1>
      <p class="nhsuk-body-s app-muted">Draft. Save as you go; sign when it is complete.</p>
      ${
        d.warnings.length > 0 &&
        html`<div class="nhsuk-warning-callout">
          <h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>Check</span></h2>
          <ul class="nhsuk-list">${d.warnings.map((w) => html`<li key=${w.code}>${w.message}</li>`)}</ul>
        </div>`
      }
      <form ref=${formRef} novalidate onSubmit=${(e) => e.preventDefault()}>
        <${DateTime} id="occurredAt" label="When the decision was made" value=${asInput(d.occurredAt)} error=${err('occurredAt')} />
        <h2 class="nhsuk-heading-m">The question and the law</h2>
        <${TextArea} id="content.question" label="The question or decision to be made" value=${c.question} rows="3" error=${err('content.question')} />
        <${Checkboxes}
          id="content.legalFrameworks"
          legend="The legal framework relied on"
          options=${FRAMEWORKS}
          values=${c.legalFrameworks || []}
          error=${err('content.legalFrameworks')}
        />
        <${Input} id="content.powerOrDuty" label="The specific power or duty" value=${c.powerOrDuty} error=${err('content.powerOrDuty')} />
        <h2 class="nhsuk-heading-m">What is known</h2>
        <${TextArea} id="content.facts" label="The facts known" value=${c.facts} error=${err('content.facts')} />
        <${TextArea}
          id="content.factSources"
          label="Where the facts came from"
          hint="One source a line."
          value=${(c.factSources || []).join('\n')}
          rows="2"
          error=${err('content.factSources')}
        />
        ${
          DETAILS[d.type].length > 0 &&
          html`<h2 class="nhsuk-heading-m">${typeLabel(d.type)}</h2>
            ${DETAILS[d.type].map((spec) => html`<${DetailField} key=${spec[0]} spec=${spec} details=${d.details || {}} err=${err} />`)}`
        }
        ${lists && html`<${SacFields} lists=${lists} sac=${c.sac || {}} err=${err} />`}
        <${Rows}
          name="consultees"
          legend="Who was consulted"
          rows=${Array.from({ length: counts.consultees }, (_, i) => consultees[i] || {})}
          addLabel="Add another person"
          onAdd=${add('consultees')}
          render=${(p, i) => {
            const id = (k) => `content.consultees[${i}].${k}`;
            return html`
              <${Input} id=${id('name')} label=${`Person ${i + 1}: name`} value=${p.name} error=${err(id('name')) || err(`content.consultees[${i}]`)} />
              <${Input} id=${id('role')} label="Their role" value=${p.role} error=${err(id('role'))} />
              <${DateTime} id=${id('at')} label="When you spoke" value=${asInput(p.at)} error=${err(id('at'))} />
              <${TextArea} id=${id('view')} label="Their view" value=${p.view} rows="2" error=${err(id('view'))} />
              <${Input}
                id=${id('notReachedReason')}
                label="Or, if they could not be reached: why"
                value=${p.notReachedReason}
                error=${err(id('notReachedReason'))}
              />
            `;
          }}
        />
        <${TextArea} id="content.personViews" label="The person's own views and wishes" value=${c.personViews} error=${err('content.personViews')} />
        <${TextArea} id="content.capacity" label="Capacity" value=${c.capacity} rows="3" error=${err('content.capacity')} />
        <${Rows}
          name="options"
          legend="The options considered"
          rows=${Array.from({ length: counts.options }, (_, i) => options[i] || {})}
          addLabel="Add another option"
          onAdd=${add('options')}
          render=${(o, i) => {
            const id = (k) => `content.options[${i}].${k}`;
            return html`
              <${Input} id=${id('option')} label=${`Option ${i + 1}`} value=${o.option} error=${err(id('option')) || err(`content.options[${i}]`)} />
              <div class="nhsuk-checkboxes nhsuk-checkboxes--small app-inline-checks">
                <div class="nhsuk-checkboxes__item">
                  <input class="nhsuk-checkboxes__input" id=${id('leastRestrictive')} name=${id('leastRestrictive')} type="checkbox" defaultChecked=${o.leastRestrictive === true} />
                  <label class="nhsuk-label nhsuk-checkboxes__label" for=${id('leastRestrictive')}>The least restrictive</label>
                </div>
                <div class="nhsuk-checkboxes__item">
                  <input class="nhsuk-checkboxes__input" id=${id('chosen')} name=${id('chosen')} type="checkbox" defaultChecked=${o.chosen === true} />
                  <label class="nhsuk-label nhsuk-checkboxes__label" for=${id('chosen')}>Chosen</label>
                </div>
              </div>
              <${Input} id=${id('whyRejected')} label="If not chosen: why" value=${o.whyRejected} error=${err(id('whyRejected'))} />
            `;
          }}
        />
        <${TextArea} id="content.riskAnalysis" label="Risk analysis" value=${c.riskAnalysis} error=${err('content.riskAnalysis')} />
        <h2 class="nhsuk-heading-m">The decision</h2>
        <${TextArea} id="content.decision" label="The decision" value=${c.decision} rows="3" error=${err('content.decision')} />
        <${TextArea} id="content.rationale" label="Why" value=${c.rationale} rows="3" error=${err('content.rationale')} />
        <${Rows}
          name="actions"
          legend="What happens next"
          rows=${Array.from({ length: counts.actions }, (_, i) => actions[i] || {})}
          addLabel="Add another action"
          onAdd=${add('actions')}
          render=${(a, i) => {
            const id = (k) => `content.actions[${i}].${k}`;
            return html`
              <${Input} id=${id('description')} label=${`Action ${i + 1}`} value=${a.description} error=${err(id('description')) || err(`content.actions[${i}]`)} />
              <${Input} id=${id('ownerTeam')} label="Who does it (a team)" value=${a.ownerTeam} error=${err(id('ownerTeam'))} />
              <${DateTime} id=${id('dueAt')} label="By when" value=${asInput(a.dueAt)} error=${err(id('dueAt'))} />
            `;
          }}
        />
        <${TextArea} id="content.handoverNote" label="Handover to day services" value=${c.handoverNote} rows="3" error=${err('content.handoverNote')} />
        <${Input}
          id="content.decisionMakerAuthority"
          label="Your authority to decide"
          hint="For example: AMHP approval, or the supervisory body's delegated authority."
          value=${c.decisionMakerAuthority}
          error=${err('content.decisionMakerAuthority')}
        />
        <h2 class="nhsuk-heading-m">Money committed</h2>
        <${Input}
          id="costPence"
          label="Cost committed (£), if any"
          hint="Above the delegated limit, a senior manager must approve it before you sign."
          inputmode="decimal"
          width="10"
          value=${d.costPence === null ? '' : (d.costPence / 100).toFixed(2)}
          error=${err('costPence')}
        />
        ${d.aboveDelegatedLimit && html`<p class="nhsuk-body app-alert">This is above the delegated-authority limit: record the escalation.</p>`}
        <fieldset class="nhsuk-fieldset" id="escalation" tabindex="-1">
          <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Escalation to a senior manager</legend>
          ${err('escalation') && html`<span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">Error:</span> ${err('escalation')}</span>`}
          <${Input} id="escalation.to" label="Their name" value=${d.escalation && d.escalation.to} error=${err('escalation.to')} />
          <${Input} id="escalation.role" label="Their role" value=${d.escalation && d.escalation.role} error=${err('escalation.role')} />
          <${DateTime} id="escalation.at" label="When you asked" value=${asInput(d.escalation && d.escalation.at)} error=${err('escalation.at')} />
          <${Radios}
            id="escalation.outcome"
            legend="Their answer"
            options=${[
              { value: 'approved', label: 'Approved' },
              { value: 'declined', label: 'Declined' },
            ]}
            value=${d.escalation && d.escalation.outcome}
            inline
            error=${err('escalation.outcome')}
          />
        </fieldset>
        <div class="app-actions">
          <button type="button" class="nhsuk-button nhsuk-button--secondary" disabled=${busy} onClick=${() => save(false)}>Save the draft</button>
          <button type="button" class="nhsuk-button" disabled=${busy} onClick=${() => save(true)}>Sign</button>
        </div>
      </form>
      <p class="nhsuk-body"><a class="app-back" href=${href('/decisions')}>All decisions</a></p>
    </main>
  `;
}
