// Send a referral: as short as the law allows, in a referrer's words. The power used decides which times are asked
// for (s.136: arrival at the place of safety, or the decision to keep the person where they were, and whether the
// constable consulted a health professional first, s.136(1C); s.135(1): the warrant; s.5(2)/(4): the report or
// record). What the service refuses comes back against the field it names.
import { html, ErrorSummary, SavedOnPhoneScreen, useTitle } from '../ui.js';
import { useRef, useState } from '../deps.js';
import { newKey, recordOrKeep, refused } from '../outbox.js';
import { ConsultationFields, consultationOf, consultationWords } from './police-record-fields.js';
import { href, navigate } from '../router.js';
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
  problemErrors,
  radioValue,
  valueOf,
} from './form-kit.js';

export const KINDS = [
  {
    value: 's136',
    label: 'Section 136',
    hint: 'You removed the person to a place of safety, or kept them where they were, because they appear to have a mental disorder and need immediate care or control.',
    source: 'police-s136',
  },
  {
    value: 's135-1',
    label: 'Section 135(1) warrant',
    hint: 'A warrant to enter premises and remove the person to a place of safety.',
    source: 'police-s135',
  },
  {
    value: 's135-2',
    label: 'Section 135(2) warrant',
    hint: 'A warrant to take or retake a patient who is already liable to be detained.',
    source: 'police-s135',
  },
  { value: 's5-2', label: 'Section 5(2)', hint: "A doctor's holding power: the person is a hospital in-patient.", source: 'ward' },
  { value: 's5-4', label: 'Section 5(4)', hint: "A nurse's holding power: the person is a hospital in-patient.", source: 'ward' },
  { value: 'cto-recall', label: 'Recall from a community treatment order', source: 'cmht' },
  { value: 'already-s2', label: 'Already detained under section 2', source: 'ward' },
  {
    value: 'already-s3',
    label: 'Already detained under section 3',
    hint: 'Or an unrestricted hospital order (Part 3): the position in which a community treatment order can be made.',
    source: 'ward',
  },
  {
    value: 'informal',
    label: 'No power is being used',
    hint: 'You are asking for a Mental Health Act assessment (a GP, a community team, a relative).',
    source: 'gp',
  },
];

export const SOURCES = [
  ['police-s136', 'Police (section 136)'],
  ['police-s135', 'Police (section 135)'],
  ['gp', 'GP'],
  ['cmht', 'Community mental health team'],
  ['crisis-home-treatment', 'Crisis or home treatment team'],
  ['ae-liaison', 'A&E liaison'],
  ['ward', 'Hospital ward'],
  ['nearest-relative', 'Nearest relative'],
  ['court-prison', 'Court or prison'],
  ['other-council', 'Another council'],
  ['other', 'Someone else'],
].map(([value, label]) => ({ value, label }));

const PLACES = [
  { value: 'health-based', label: 'A health-based place of safety (a hospital suite)' },
  { value: 'a-and-e', label: 'A&E' },
  { value: 'police-station', label: 'A police station' },
  {
    value: 'private-dwelling',
    label: 'A private home (a house, flat or room where someone lives)',
    hint: 'Only if the person agrees and, if anyone else lives there, one of them agrees too.',
  },
  { value: 'other', label: 'Somewhere else', hint: 'Only if whoever runs the place agrees to take the person.' },
];
/** POL-10 (s.135(7)): each agreement a private home or another place needs, as the officer knows it. */
const AGREED = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
  { value: 'unknown', label: 'I do not know' },
];
const FLAGS = [
  ['weapons', 'Weapons'],
  ['violence-history', 'A history of violence'],
  ['substance-use', 'Drink or drugs'],
  ['children-in-household', 'Children in the household'],
  ['animals', 'Animals'],
  ['access-problems', 'Getting in may be difficult'],
  ['lone-working-risk', 'Not safe to visit alone'],
].map(([value, label]) => ({ value, label }));

/** Plain words for what the service refuses, by the field it names. */
const WORDS = {
  'person.givenName': 'Enter their first name.',
  'person.familyName': 'Enter their last name.',
  'person.nhsNumber': 'Enter a valid NHS number (10 digits), or leave it empty.',
  'person.dateOfBirth': 'Enter their date of birth as it happened (not in the future), or leave it empty.',
  reason: 'Say what has happened (at least a few words).',
  'referrer.name': 'Enter your name.',
  'referrer.phone': 'Enter a phone number the AMHP can call you on.',
  'referrer.email': 'Enter a valid email address, or leave it empty.',
  ...consultationWords('legalContext.'),
};

const CONTEXT_TIMES = [
  'arrivedAt',
  'keptAt',
  'warrantExecutedAt',
  'firstEnteredAt',
  'inspectorAuthorisedAt',
  'h1FurnishedAt',
  'precededBy5_4At',
  'recordMadeAt',
  'recalledAt',
  'admittedAt',
];

/** A refusal of the legal context (422) put against the field it is about. */
function contextField(code, detail, kept) {
  const byCode = {
    'anchor-missing': kept ? 'legalContext.keptAt' : 'legalContext.arrivedAt',
    'anchor-ambiguous': 'legalContext.arrivedAt',
    'police-station-under-18': 'legalContext.personUnder18',
    'arrival-before-warrant': 'legalContext.arrivedAt',
    's5-4-after-h1': 'legalContext.precededBy5_4At',
    'person-required': 'person.givenName',
  };
  if (byCode[code]) return byCode[code];
  const named = CONTEXT_TIMES.find((f) => detail.includes(f));
  return named ? `legalContext.${named}` : 'kind';
}

/** What the service said on taking a referral in (e.g. a police station as the place of safety), for its status screen. */
let justSent = null;
export function takeJustSent(id) {
  const sent = justSent && justSent.id === id ? justSent : null;
  justSent = null;
  return sent;
}

export function NewReferralScreen({ me }) {
  const [kind, setKind] = useState('s136');
  const [kept, setKept] = useState('removed');
  const [place, setPlace] = useState('health-based');
  const [consulted, setConsulted] = useState(null); // POL-06: not answered until she chooses
  const [alone, setAlone] = useState('unknown'); // POL-10: whether the person lives alone in the home used
  const [errors, setErrors] = useState([]);
  const [busy, setBusy] = useState(false);
  const held = useRef(false); // held at once: a second tap before the button re-renders disabled saves nothing
  const [saved, setSaved] = useState(false);
  const key = useRef(newKey()); // one referral, however many times it is sent (a retry on a poor signal is not a second)
  const formRef = useRef(null);

  useTitle(`${errors.length ? 'Error: ' : ''}Send a referral – AMHP duty`);

  const k = KINDS.find((x) => x.value === kind);
  const err = (id) => errorFor(errors, id);
  const placeOfSafety = kind === 's136' || kind === 's135-1';

  function build(form, local) {
    const lc = { kind };
    const time = (name) => instantOf(form, `legalContext.${name}`, local);
    if (placeOfSafety) {
      lc.placeOfSafetyType = place;
      const under18 = radioValue(form, 'legalContext.personUnder18');
      if (under18 === 'yes') lc.personUnder18 = true;
      if (under18 === 'no') lc.personUnder18 = false;
      if (place === 'police-station') lc.inspectorAuthorisedAt = time('inspectorAuthorisedAt');
      // POL-10 (s.135(7)): the agreements that make a private home or another place a place of safety.
      const agreed = (name) => radioValue(form, `legalContext.placeOfSafetyConsent.${name}`);
      if (place === 'private-dwelling')
        lc.placeOfSafetyConsent = {
          personAgreed: agreed('personAgreed'),
          soleOccupier: alone,
          ...(alone === 'yes' ? {} : { occupierAgreed: agreed('occupierAgreed') }),
        };
      if (place === 'other') lc.placeOfSafetyConsent = { managerAgreed: agreed('managerAgreed') };
    }
    if (kind === 's136') {
      lc.locationType = radioValue(form, 'legalContext.locationType');
      if (kept === 'kept') lc.keptAt = time('keptAt');
      else lc.arrivedAt = time('arrivedAt');
      // POL-06 (s.136(1C)): the consultation before the power was used, as the service takes it; left unanswered, none.
      lc.policeConsultation = consultationOf(form, 'legalContext.', consulted, local);
    }
    if (kind === 's135-1') {
      lc.warrantExecutedAt = time('warrantExecutedAt');
      if (kept === 'kept') {
        lc.keptAtPremises = true;
        lc.firstEnteredAt = time('firstEnteredAt');
      } else lc.arrivedAt = time('arrivedAt');
    }
    if (kind === 's5-2') {
      lc.h1FurnishedAt = time('h1FurnishedAt');
      lc.precededBy5_4At = time('precededBy5_4At');
    }
    if (kind === 's5-4') lc.recordMadeAt = time('recordMadeAt');
    if (kind === 'cto-recall') {
      lc.recalledAt = time('recalledAt');
      lc.arrivedAt = time('arrivedAt');
    }
    if (kind === 'already-s2' || kind === 'already-s3') lc.admittedAt = time('admittedAt');
    for (const name of Object.keys(lc)) if (lc[name] === undefined) delete lc[name];

    const risks = checkedValues(form, 'risks');
    const person = {
      givenName: valueOf(form, 'person.givenName') ?? '',
      familyName: valueOf(form, 'person.familyName') ?? '',
      dateOfBirth: valueOf(form, 'person.dateOfBirth'),
      nhsNumber: valueOf(form, 'person.nhsNumber'),
    };
    const referrer = {
      name: valueOf(form, 'referrer.name') ?? '',
      organisation: valueOf(form, 'referrer.organisation'),
      role: valueOf(form, 'referrer.role'),
      phone: valueOf(form, 'referrer.phone'),
    };
    const body = {
      person,
      source: valueOf(form, 'source'),
      referrer,
      reason: valueOf(form, 'reason') ?? '',
      risks: {
        toSelf: risks.includes('toSelf'),
        toOthers: risks.includes('toOthers'),
        fromOthers: risks.includes('fromOthers'),
        flags: checkedValues(form, 'risks.flags'),
      },
      urgency: radioValue(form, 'urgency'),
      legalContext: lc,
      location: valueOf(form, 'location'),
    };
    return JSON.parse(JSON.stringify(body)); // drops the fields left empty
  }

  async function submit(event) {
    event.preventDefault();
    const form = formRef.current;
    const local = [];
    const body = build(form, local);
    if (local.length) return setErrors(local);
    if (held.current) return;
    held.current = true;
    setBusy(true);
    try {
      const r = await recordOrKeep('/referrals', body, { key: key.current, label: 'Your referral' });
      if (r === null) return setSaved(true);
      justSent = { id: r.id, reference: r.reference, findings: r.findings || [] };
      navigate(`/referrals/${r.id}`);
    } catch (e) {
      const known = (id) => Boolean(document.getElementById(id));
      let list = problemErrors(e, {
        fallback: 'kind',
        fieldOf: (f) => f,
        wordsFor: (f) => WORDS[f],
        known,
      });
      if (!(e instanceof TypeError) && !(e.errors || []).length) {
        const field = contextField(e.code, e.message, kept === 'kept');
        list = [{ field: known(field) ? field : 'kind', text: e.message }];
      }
      if (refused(e)) key.current = newKey(); // a corrected form is a new request; one still on its way keeps its key
      setErrors(list);
    } finally {
      held.current = false;
      setBusy(false);
    }
  }

  if (saved)
    return html`<${SavedOnPhoneScreen} title="Send a referral" what="Your referral" listName="My referrals" listHref=${href('/referrals')} />`;
  return html`
    <main class="nhsuk-width-container nhsuk-main-wrapper app-main" id="main">
      <${ErrorSummary} errors=${errors} />
      <h1 class="nhsuk-heading-l">Send a referral</h1>
      <p class="nhsuk-body">For a Mental Health Act assessment by the duty AMHP. Only what the law needs now: the AMHP will call you for the rest.</p>
      <form ref=${formRef} novalidate onSubmit=${submit}>
        <h2 class="nhsuk-heading-m">The power used</h2>
        <${Radios}
          id="kind"
          legend="Which power are you using?"
          options=${KINDS}
          value=${kind}
          onChange=${(v) => {
            setKind(v);
            setKept('removed');
            setConsulted(null);
          }}
          error=${err('kind')}
        />
        ${
          kind === 's136' &&
          html`<div key="s136">
            <${Radios}
              id="legalContext.locationType"
              legend="Where did you find the person?"
              hint="Section 136 cannot be used in a private home."
              options=${[
                { value: 'public-place', label: 'A public place' },
                { value: 'dwelling', label: "A private home (someone's house or flat)" },
                { value: 'other', label: 'Somewhere else' },
              ]}
              value="public-place"
              error=${err('legalContext.locationType')}
            />
            <${Radios}
              id="legalContext.removedOrKept"
              legend="Did you take them to a place of safety?"
              options=${[
                { value: 'removed', label: 'Yes, I took them to a place of safety' },
                { value: 'kept', label: 'No, I kept them where they were (a place of safety)' },
              ]}
              value=${kept}
              onChange=${setKept}
            />
            ${
              kept === 'removed'
                ? html`<${DateTime}
                  key="arrived"
                  id="legalContext.arrivedAt"
                  label="When did you arrive at the place of safety?"
                  hint="The 24 hours run from this time."
                  error=${err('legalContext.arrivedAt')}
                />`
                : html`<${DateTime}
                  key="kept"
                  id="legalContext.keptAt"
                  label="When did you decide to keep them there?"
                  hint="The 24 hours run from this time."
                  error=${err('legalContext.keptAt')}
                />`
            }
            <${ConsultationFields} prefix="legalContext." consulted=${consulted} onConsulted=${setConsulted} err=${err} />
          </div>`
        }
        ${
          kind === 's135-1' &&
          html`<div key="s135">
            <${DateTime} id="legalContext.warrantExecutedAt" label="When was the warrant executed?" error=${err('legalContext.warrantExecutedAt')} />
            <${Radios}
              id="legalContext.removedOrKept"
              legend="Where is the person being kept?"
              options=${[
                { value: 'removed', label: 'At a place of safety I took them to' },
                { value: 'kept', label: 'At the premises I entered' },
              ]}
              value=${kept}
              onChange=${setKept}
            />
            ${
              kept === 'removed'
                ? html`<${DateTime}
                  key="arrived"
                  id="legalContext.arrivedAt"
                  label="When did you arrive at the place of safety?"
                  hint="Leave it empty if you are still on the way."
                  error=${err('legalContext.arrivedAt')}
                />`
                : html`<${DateTime}
                  key="entered"
                  id="legalContext.firstEnteredAt"
                  label="When did you first enter the premises?"
                  error=${err('legalContext.firstEnteredAt')}
                />`
            }
          </div>`
        }
        ${
          placeOfSafety &&
          html`<div key="place">
            <${Radios}
              id="legalContext.placeOfSafetyType"
              legend="What is the place of safety?"
              options=${PLACES}
              value=${place}
              onChange=${setPlace}
              error=${err('legalContext.placeOfSafetyType')}
            />
            ${
              place === 'police-station' &&
              html`<${DateTime}
                id="legalContext.inspectorAuthorisedAt"
                label="When did an inspector (or above) authorise a police station?"
                hint="Only for an adult, and only when no other place of safety will do."
                error=${err('legalContext.inspectorAuthorisedAt')}
              />`
            }
            ${
              place === 'private-dwelling' &&
              html`<div key="home">
                <${Radios}
                  id="legalContext.placeOfSafetyConsent.personAgreed"
                  legend="Did the person agree to being kept there?"
                  options=${AGREED}
                  value="unknown"
                  inline
                  error=${err('legalContext.placeOfSafetyConsent.personAgreed')}
                />
                <${Radios}
                  id="legalContext.placeOfSafetyConsent.soleOccupier"
                  legend="Does the person live there alone?"
                  hint="Answer no if anyone else lives there, or if it is not the person's home."
                  options=${AGREED}
                  value=${alone}
                  onChange=${setAlone}
                  inline
                  error=${err('legalContext.placeOfSafetyConsent.soleOccupier')}
                />
                ${
                  alone !== 'yes' &&
                  html`<${Radios}
                    id="legalContext.placeOfSafetyConsent.occupierAgreed"
                    legend="Did someone who lives there agree?"
                    options=${AGREED}
                    value="unknown"
                    inline
                    error=${err('legalContext.placeOfSafetyConsent.occupierAgreed')}
                  />`
                }
              </div>`
            }
            ${
              place === 'other' &&
              html`<${Radios}
                key="elsewhere"
                id="legalContext.placeOfSafetyConsent.managerAgreed"
                legend="Did whoever runs the place agree to take the person?"
                options=${AGREED}
                value="unknown"
                inline
                error=${err('legalContext.placeOfSafetyConsent.managerAgreed')}
              />`
            }
            <${Radios}
              id="legalContext.personUnder18"
              legend="Is the person under 18?"
              hint="A police station is never a place of safety for a child."
              options=${[
                { value: 'no', label: 'No' },
                { value: 'yes', label: 'Yes' },
                { value: 'unknown', label: 'I do not know' },
              ]}
              value="unknown"
              inline
              error=${err('legalContext.personUnder18')}
            />
          </div>`
        }
        ${
          kind === 's5-2' &&
          html`<div key="s52">
            <${DateTime}
              id="legalContext.h1FurnishedAt"
              label="When was the doctor's report (H1) given to the hospital managers?"
              error=${err('legalContext.h1FurnishedAt')}
            />
            <${DateTime}
              id="legalContext.precededBy5_4At"
              label="If a nurse used section 5(4) first: when was that record made?"
              hint="Leave it empty if section 5(4) was not used."
              error=${err('legalContext.precededBy5_4At')}
            />
          </div>`
        }
        ${
          kind === 's5-4' &&
          html`<${DateTime}
            key="s54"
            id="legalContext.recordMadeAt"
            label="When did the nurse make the record (H2)?"
            error=${err('legalContext.recordMadeAt')}
          />`
        }
        ${
          kind === 'cto-recall' &&
          html`<div key="cto">
            <${DateTime} id="legalContext.recalledAt" label="When was the recall notice served?" error=${err('legalContext.recalledAt')} />
            <${DateTime}
              id="legalContext.arrivedAt"
              label="When did the patient's detention in hospital under the recall begin?"
              hint="Their arrival at the hospital (the notice's time if they were already there): the 72 hours run from it."
              error=${err('legalContext.arrivedAt')}
            />
          </div>`
        }
        ${
          (kind === 'already-s2' || kind === 'already-s3') &&
          html`<${DateTime}
            key=${kind}
            id="legalContext.admittedAt"
            label=${kind === 'already-s2' ? 'When was the patient admitted under section 2?' : 'When was the patient admitted under section 3 (or the hospital order)?'}
            error=${err('legalContext.admittedAt')}
          />`
        }
        <${Input}
          id="location"
          label=${placeOfSafety ? 'Name and address of the place of safety' : 'Where is the person now?'}
          hint="So the AMHP can find them."
          error=${err('location')}
        />

        <h2 class="nhsuk-heading-m">The person</h2>
        <${Input} id="person.givenName" label="First name" autocomplete="off" error=${err('person.givenName')} />
        <${Input} id="person.familyName" label="Last name" autocomplete="off" error=${err('person.familyName')} />
        <${Input} id="person.dateOfBirth" label="Date of birth (if known)" type="date" error=${err('person.dateOfBirth')} />
        <${Input}
          id="person.nhsNumber"
          label="NHS number (if known)"
          inputmode="numeric"
          width="10"
          error=${err('person.nhsNumber')}
        />

        <h2 class="nhsuk-heading-m">What has happened</h2>
        <${TextArea}
          id="reason"
          label="Why are you worried about them?"
          hint="What you saw and heard, and what they said."
          error=${err('reason')}
        />
        <${Checkboxes}
          id="risks"
          legend="Risks now"
          options=${[
            { value: 'toSelf', label: 'A risk to themselves' },
            { value: 'toOthers', label: 'A risk to other people' },
            { value: 'fromOthers', label: 'A risk from other people' },
          ]}
          error=${err('risks')}
        />
        <${Checkboxes} id="risks.flags" legend="Anything the AMHP should know before going" options=${FLAGS} error=${err('risks.flags')} />
        <${Radios}
          key=${`urgency-${kind}`}
          id="urgency"
          legend="How urgent is it?"
          options=${[
            { value: 'emergency', label: 'Emergency: the person needs to be seen now' },
            { value: 'urgent', label: 'Urgent: today' },
            { value: 'routine', label: 'Routine' },
          ]}
          value=${kind === 'informal' ? 'urgent' : 'emergency'}
          error=${err('urgency')}
        />

        <h2 class="nhsuk-heading-m">You</h2>
        <${Select} key=${`source-${kind}`} id="source" label="You are referring as" options=${SOURCES} value=${k.source} error=${err('source')} />
        <${Input} id="referrer.name" label="Your name" value=${me.displayName} autocomplete="name" error=${err('referrer.name')} />
        <${Input}
          id="referrer.role"
          label="Your role (and collar number)"
          autocomplete="organization-title"
          error=${err('referrer.role')}
        />
        <${Input} id="referrer.organisation" label="Your organisation" autocomplete="organization" error=${err('referrer.organisation')} />
        <${Input}
          id="referrer.phone"
          label="A phone number the AMHP can call you on"
          type="tel"
          autocomplete="tel"
          error=${err('referrer.phone')}
        />
        <button class="nhsuk-button" type="submit" disabled=${busy}>Send the referral</button>
      </form>
    </main>
  `;
}
