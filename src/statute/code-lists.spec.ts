import {
  ETHNIC_CATEGORIES,
  ETHNIC_CATEGORY_DESCRIPTION,
  ETHNIC_CATEGORY_LABELS,
  LEGAL_STATUS_CODE_LIST,
  LEGAL_STATUS_CODES,
  legalStatusLabel,
} from './code-lists';

describe('MHSDS Mental Health Act Legal Status Classification Code (England)', () => {
  // The standard's list: 01-20 (no 11), 31-38 (no 34), 98, 99.
  const standard: [string, string][] = [
    ['01', 'Informal'],
    ['02', 'Formally detained under MHA Section 2'],
    ['03', 'Formally detained under MHA Section 3'],
    ['04', 'Formally detained under MHA Section 4'],
    ['05', 'Formally detained under MHA Section 5(2)'],
    ['06', 'Formally detained under MHA Section 5(4)'],
    ['07', 'Formally detained under MHA Section 35'],
    ['08', 'Formally detained under MHA Section 36'],
    ['09', 'Formally detained under MHA Section 37 with section 41 restrictions'],
    ['10', 'Formally detained under MHA Section 37'],
    ['12', 'Formally detained under MHA Section 38'],
    ['13', 'Formally detained under MHA Section 44'],
    ['14', 'Formally detained under MHA Section 46 (repealed by the Armed Forces Act 1996)'],
    ['15', 'Formally detained under MHA Section 47 with section 49 restrictions'],
    ['16', 'Formally detained under MHA Section 47'],
    ['17', 'Formally detained under MHA Section 48 with section 49 restrictions'],
    ['18', 'Formally detained under MHA Section 48'],
    ['19', 'Formally detained under MHA Section 135'],
    ['20', 'Formally detained under MHA Section 136'],
    [
      '31',
      'Formally detained under Criminal Procedure (Insanity) Act 1964 as amended by the Criminal Procedure (Insanity and Unfitness to Plead) Act 1991',
    ],
    ['32', 'Formally detained under other Acts'],
    ['33', 'Supervised Discharge under the Mental Health (Patients in the Community) Act 1995 (legacy)'],
    ['35', 'Subject to guardianship under MHA Section 7'],
    ['36', 'Subject to guardianship under MHA Section 37'],
    ['37', 'MHA Section 45A (limitation direction in force)'],
    ['38', 'MHA Section 45A (limitation direction ended)'],
    ['98', 'Not applicable'],
    ['99', 'Not known'],
  ];

  it.each(standard)('code %s reads "%s"', (code, label) => {
    expect(legalStatusLabel(code)).toBe(label);
  });

  it('has every code of the standard and no other, in the standard order', () => {
    expect(LEGAL_STATUS_CODE_LIST).toEqual(standard.map(([code]) => code));
  });

  it('marks only s.46 (14) and supervised discharge (33) as retired, kept for historical records', () => {
    expect(LEGAL_STATUS_CODE_LIST.filter((c) => LEGAL_STATUS_CODES[c].retired)).toEqual(['14', '33']);
  });

  it.each(['11', '21', '30', '34', '1', '2', 'CTO', '', 'toString', '__proto__'])('has no label for %j (not an England code)', (code) => {
    expect(legalStatusLabel(code)).toBeUndefined();
  });
});

describe('NHS Data Dictionary ETHNIC CATEGORY', () => {
  const standard: [string, string][] = [
    ['A', 'White - British'],
    ['B', 'White - Irish'],
    ['C', 'White - Any other White background'],
    ['D', 'Mixed - White and Black Caribbean'],
    ['E', 'Mixed - White and Black African'],
    ['F', 'Mixed - White and Asian'],
    ['G', 'Mixed - Any other mixed background'],
    ['H', 'Asian or Asian British - Indian'],
    ['J', 'Asian or Asian British - Pakistani'],
    ['K', 'Asian or Asian British - Bangladeshi'],
    ['L', 'Asian or Asian British - Any other Asian background'],
    ['M', 'Black or Black British - Caribbean'],
    ['N', 'Black or Black British - African'],
    ['P', 'Black or Black British - Any other Black background'],
    ['R', 'Other Ethnic Groups - Chinese'],
    ['S', 'Other Ethnic Groups - Any other ethnic group'],
    ['Z', 'Not stated'],
    ['99', 'Not known'],
  ];

  it.each(standard)('code %s reads "%s"', (code, label) => {
    expect(ETHNIC_CATEGORY_LABELS[code as keyof typeof ETHNIC_CATEGORY_LABELS]).toBe(label);
  });

  it('takes every code of the standard, 99 (not known) beside Z (not stated), in the standard order', () => {
    expect(ETHNIC_CATEGORIES).toEqual(standard.map(([code]) => code));
  });

  it('describes each code with its label for the API documentation', () => {
    expect(ETHNIC_CATEGORY_DESCRIPTION).toMatch(/^A \(White - British\), B \(White - Irish\), .* Z \(Not stated\), 99 \(Not known\)$/);
  });
});
