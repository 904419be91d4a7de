import { overrideReportProblems } from './override-report';

describe('overrideReportProblems (MHA25-06): the report that overrides the nominated person’s objection', () => {
  it.each<[string, Parameters<typeof overrideReportProblems>[0], number]>([
    ['no report: not valid', null, 1],
    [
      'dangerous to others, with reasons: valid',
      { grounds: ['dangerous-to-others'], reasons: 'Threatened the neighbour with a knife twice this week.' },
      0,
    ],
    [
      'dangerous to the patient, with reasons: valid',
      { grounds: ['dangerous-to-patient'], reasons: 'Stopped eating and drinking for four days now.' },
      0,
    ],
    ['no ground certified: not valid', { grounds: [], reasons: 'Threatened the neighbour with a knife twice this week.' }, 1],
    [
      'a ground the Act does not allow: not valid',
      { grounds: ['needs-treatment'], reasons: 'Would benefit from treatment in hospital.' },
      1,
    ],
    ['no reasons: not valid', { grounds: ['dangerous-to-others'], reasons: ' ' }, 1],
  ])('%s', (_name, report, problems) => {
    expect(overrideReportProblems(report)).toHaveLength(problems);
  });

  it('the grounds are data: a deployment confirming other wording can pass its own list', () => {
    expect(
      overrideReportProblems({ grounds: ['serious-harm'], reasons: 'Serious harm to others is likely, as set out.' }, ['serious-harm']),
    ).toEqual([]);
  });
});
