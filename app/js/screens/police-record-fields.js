// The police's answer about how they used the power, as the referral form asks it at intake (referral-new.js) and the
// referrer's own referral asks it after intake (my-referrals.js, POST /referrals/{id}/police-record): a s.136's
// consultation of a health professional before the power was used (POL-06, s.136(1C)). One set of fields for both;
// `prefix` is where the service's body holds the record ('legalContext.' at intake, '' after), so the fields' ids are
// the names the service's refusals give. After intake, a s.135 warrant's record too: who went with the constable who
// executed it (POL-02, s.135(4)).
import { html } from '../ui.js';
import { S136_CONSULTEES } from '../law.js';
import { DateTime, Input, Radios, Select, TextArea, instantOf, valueOf } from './form-kit.js';

/**
 * POL-06 (s.136(1C)): whom a constable may consult before using s.136: the service's list (law.js, generated from it),
 * in a referrer's words where the app has plainer ones.
 */
const PLAIN = {
  'registered-medical-practitioner': 'A doctor',
  'registered-nurse': 'A nurse',
  amhp: 'An approved mental health professional (AMHP)',
};
const CONSULTEES = [
  { value: '', label: 'Choose whom' },
  ...S136_CONSULTEES.map(({ value, label }) => ({ value, label: PLAIN[value] || label[0].toUpperCase() + label.slice(1) })),
];
const CONSULTED = [
  { value: 'yes', label: 'Yes' },
  { value: 'not-practicable', label: 'No, it was not practicable' },
  { value: 'unknown', label: 'I do not know', hint: 'For example, another officer used the power.' },
];

/** Plain words for what the service refuses of the consultation, by the field it names (under `prefix`). */
export function consultationWords(prefix) {
  return { [`${prefix}policeConsultation.profession`]: 'Choose whom you consulted.' };
}

/**
 * The consultation as the service takes it, from the form (`consulted`: the answer chosen; none: left out). A time that
 * did not happen is pushed to `local`, as the form's other times are.
 */
export function consultationOf(form, prefix, consulted, local) {
  if (!consulted) return undefined;
  const name = (field) => `${prefix}policeConsultation.${field}`;
  if (consulted === 'yes')
    return JSON.parse(
      JSON.stringify({
        consulted,
        profession: valueOf(form, name('profession')),
        at: instantOf(form, name('at'), local),
        advice: valueOf(form, name('advice')),
      }),
    );
  if (consulted === 'not-practicable') return JSON.parse(JSON.stringify({ consulted, reason: valueOf(form, name('reason')) }));
  return { consulted };
}

/**
 * The fields: did she consult a health professional before using s.136; with yes, whom, when and the advice; with not
 * practicable, why. `consulted` is the answer chosen (controlled: the fields that follow depend on it); `err(id)` the
 * error against a field.
 */
export function ConsultationFields({ prefix, consulted, onConsulted, err, legend }) {
  const id = (field) => `${prefix}policeConsultation.${field}`;
  return html`
    <${Radios}
      id=${id('consulted')}
      legend=${legend || 'Before using section 136, did you consult a health professional?'}
      hint="Where practicable the law asks you to consult a doctor, a nurse, an AMHP or another health professional first."
      options=${CONSULTED}
      value=${consulted}
      onChange=${onConsulted}
      error=${err(id('consulted')) || err(`${prefix}policeConsultation`)}
    />
    ${
      consulted === 'yes' &&
      html`<div key="consulted">
        <${Select} id=${id('profession')} label="Whom did you consult?" options=${CONSULTEES} value="" error=${err(id('profession'))} />
        <${DateTime}
          id=${id('at')}
          label="When did you consult them?"
          hint="Leave it empty if you do not know. Before you used the power."
          error=${err(id('at'))}
        />
        <${TextArea} id=${id('advice')} label="What advice did they give? (optional)" rows=${2} error=${err(id('advice'))} />
      </div>`
    }
    ${
      consulted === 'not-practicable' &&
      html`<${TextArea} key="not-practicable" id=${id('reason')} label="Why was it not practicable?" rows=${2} error=${err(id('reason'))} />`
    }
  `;
}

const YES_NO = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/** Plain words for what the service refuses of the attendance at a warrant's execution, by the field it names. */
export const ATTENDANCE_WORDS = {
  'executionAttendance.amhp.name': 'Enter the name of the AMHP who went with you.',
  'executionAttendance.doctor.name': 'Enter the name of the doctor who went with you.',
  'executionAttendance.doctor.gmcNumber': 'Enter the doctor’s GMC number: seven digits.',
};

/**
 * POL-02 (s.135(4)): who went with the constable who executed the warrant, as the service takes it (a party left out
 * did not attend), from the form; `attended` holds the answers chosen ({ amhp, doctor }: 'yes' or 'no'). An answer
 * not given is pushed to `local`.
 */
export function attendanceOf(form, attended, local) {
  const out = {};
  if (!attended.amhp) local.push({ field: 'executionAttendance.amhp', text: 'Say whether an AMHP went with you.' });
  if (!attended.doctor) local.push({ field: 'executionAttendance.doctor', text: 'Say whether a doctor went with you.' });
  if (attended.amhp === 'yes')
    out.amhp = {
      name: valueOf(form, 'executionAttendance.amhp.name') ?? '',
      organisation: valueOf(form, 'executionAttendance.amhp.organisation'),
    };
  if (attended.doctor === 'yes')
    out.doctor = {
      name: valueOf(form, 'executionAttendance.doctor.name') ?? '',
      gmcNumber: valueOf(form, 'executionAttendance.doctor.gmcNumber') ?? '',
    };
  return JSON.parse(JSON.stringify(out));
}

/**
 * The fields: did an AMHP, and did a doctor, go with the constable who executed the warrant; with yes, who. `attended`
 * is the answers chosen (controlled), `onAttended(part, answer)` told of each; `executedAt`: the time the warrant was
 * executed is asked too (a s.135(2) warrant, whose referral did not ask it).
 */
export function AttendanceFields({ attended, onAttended, err, executedAt }) {
  return html`
    ${
      executedAt &&
      html`<${DateTime}
        id="warrantExecutedAt"
        label="When was the warrant executed?"
        hint="Leave it empty if it is already recorded."
        error=${err('warrantExecutedAt')}
      />`
    }
    <${Radios}
      id="executionAttendance.amhp"
      legend="Did an approved mental health professional (AMHP) go with you when the warrant was executed?"
      options=${YES_NO}
      value=${attended.amhp}
      onChange=${(v) => onAttended('amhp', v)}
      inline
      error=${err('executionAttendance.amhp') || err('executionAttendance')}
    />
    ${
      attended.amhp === 'yes' &&
      html`<div key="amhp">
        <${Input} id="executionAttendance.amhp.name" label="The AMHP's name" error=${err('executionAttendance.amhp.name')} />
        <${Input}
          id="executionAttendance.amhp.organisation"
          label="Their council (optional)"
          hint="If they are not one of this hub's AMHPs."
          error=${err('executionAttendance.amhp.organisation')}
        />
      </div>`
    }
    <${Radios}
      id="executionAttendance.doctor"
      legend="Did a doctor go with you when the warrant was executed?"
      options=${YES_NO}
      value=${attended.doctor}
      onChange=${(v) => onAttended('doctor', v)}
      inline
      error=${err('executionAttendance.doctor')}
    />
    ${
      attended.doctor === 'yes' &&
      html`<div key="doctor">
        <${Input} id="executionAttendance.doctor.name" label="The doctor's name" error=${err('executionAttendance.doctor.name')} />
        <${Input}
          id="executionAttendance.doctor.gmcNumber"
          label="Their GMC number"
          hint="Seven digits."
          inputmode="numeric"
          width="10"
          error=${err('executionAttendance.doctor.gmcNumber')}
        />
      </div>`
    }
  `;
}
