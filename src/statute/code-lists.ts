/**
 * National code lists the hub records or reports against (England). Each list is complete: every code of the
 * standard with its label, so a stored code always has a meaning to show. Check the current NHS Data Dictionary
 * release before go-live: codes are periodically retired or added.
 */

/**
 * MHSDS / NHS Data Dictionary "Mental Health Act Legal Status Classification Code" (England). Codes 11, 21-30 and
 * 34 are not used in England. 35 is s.7 guardianship in England (a CTO is not a legal status code: MHSDS records it
 * in its Community Treatment Order table, MHS404). 14 (s.46) was repealed by the Armed Forces Act 1996 and 33
 * (supervised discharge) by the Mental Health Act 2007: both are kept for historical records.
 */
export const LEGAL_STATUS_CODES = {
  '01': { label: 'Informal', retired: false },
  '02': { label: 'Formally detained under MHA Section 2', retired: false },
  '03': { label: 'Formally detained under MHA Section 3', retired: false },
  '04': { label: 'Formally detained under MHA Section 4', retired: false },
  '05': { label: 'Formally detained under MHA Section 5(2)', retired: false },
  '06': { label: 'Formally detained under MHA Section 5(4)', retired: false },
  '07': { label: 'Formally detained under MHA Section 35', retired: false },
  '08': { label: 'Formally detained under MHA Section 36', retired: false },
  '09': { label: 'Formally detained under MHA Section 37 with section 41 restrictions', retired: false },
  '10': { label: 'Formally detained under MHA Section 37', retired: false },
  '12': { label: 'Formally detained under MHA Section 38', retired: false },
  '13': { label: 'Formally detained under MHA Section 44', retired: false },
  '14': { label: 'Formally detained under MHA Section 46 (repealed by the Armed Forces Act 1996)', retired: true },
  '15': { label: 'Formally detained under MHA Section 47 with section 49 restrictions', retired: false },
  '16': { label: 'Formally detained under MHA Section 47', retired: false },
  '17': { label: 'Formally detained under MHA Section 48 with section 49 restrictions', retired: false },
  '18': { label: 'Formally detained under MHA Section 48', retired: false },
  '19': { label: 'Formally detained under MHA Section 135', retired: false },
  '20': { label: 'Formally detained under MHA Section 136', retired: false },
  '31': {
    label:
      'Formally detained under Criminal Procedure (Insanity) Act 1964 as amended by the Criminal Procedure (Insanity and Unfitness to Plead) Act 1991',
    retired: false,
  },
  '32': { label: 'Formally detained under other Acts', retired: false },
  '33': { label: 'Supervised Discharge under the Mental Health (Patients in the Community) Act 1995 (legacy)', retired: true },
  '35': { label: 'Subject to guardianship under MHA Section 7', retired: false },
  '36': { label: 'Subject to guardianship under MHA Section 37', retired: false },
  '37': { label: 'MHA Section 45A (limitation direction in force)', retired: false },
  '38': { label: 'MHA Section 45A (limitation direction ended)', retired: false },
  '98': { label: 'Not applicable', retired: false },
  '99': { label: 'Not known', retired: false },
} as const satisfies Record<string, { label: string; retired: boolean }>;

export type LegalStatusCode = keyof typeof LEGAL_STATUS_CODES;

/** Every legal status code in the list's order (01 first, 99 last; integer-like keys would otherwise jump ahead). */
export const LEGAL_STATUS_CODE_LIST = (Object.keys(LEGAL_STATUS_CODES) as LegalStatusCode[]).sort();

/** The label of an MHSDS legal status code, or undefined for a code the list does not have. */
export function legalStatusLabel(code: string): string | undefined {
  return Object.hasOwn(LEGAL_STATUS_CODES, code) ? LEGAL_STATUS_CODES[code as LegalStatusCode].label : undefined;
}

/**
 * NHS Data Dictionary ETHNIC CATEGORY (2001 census classification), as MHSDS takes it: A-S, Z "Not stated" (the
 * person was asked and chose not to say) and 99 "Not known" (not asked, or not recorded).
 */
export const ETHNIC_CATEGORY_LABELS = {
  A: 'White - British',
  B: 'White - Irish',
  C: 'White - Any other White background',
  D: 'Mixed - White and Black Caribbean',
  E: 'Mixed - White and Black African',
  F: 'Mixed - White and Asian',
  G: 'Mixed - Any other mixed background',
  H: 'Asian or Asian British - Indian',
  J: 'Asian or Asian British - Pakistani',
  K: 'Asian or Asian British - Bangladeshi',
  L: 'Asian or Asian British - Any other Asian background',
  M: 'Black or Black British - Caribbean',
  N: 'Black or Black British - African',
  P: 'Black or Black British - Any other Black background',
  R: 'Other Ethnic Groups - Chinese',
  S: 'Other Ethnic Groups - Any other ethnic group',
  Z: 'Not stated',
  '99': 'Not known',
} as const;

export type EthnicCategory = keyof typeof ETHNIC_CATEGORY_LABELS;

/** Every ethnic category code, in the Data Dictionary's order (A first, 99 last). */
export const ETHNIC_CATEGORIES = Object.keys(ETHNIC_CATEGORY_LABELS).sort((a, b) =>
  a === '99' ? 1 : b === '99' ? -1 : a.localeCompare(b),
) as EthnicCategory[];

/** One line per code for API docs and error messages: "A (White - British), ..., 99 (Not known)". */
export const ETHNIC_CATEGORY_DESCRIPTION = ETHNIC_CATEGORIES.map((c) => `${c} (${ETHNIC_CATEGORY_LABELS[c]})`).join(', ');
