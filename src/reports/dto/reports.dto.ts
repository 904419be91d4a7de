import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageCursor, PageLimit } from '../../common/pagination';
import { IsLocalDate, queryBoolean, TAG, trim } from '../../common/validators';
import { LEGAL_CONTEXT_KINDS } from '../../referrals/dto/referral.dto';
import { REPORT_FORMATS, type ReportFormat } from '../format';
import { HOURS_BANDS } from '../period';
import { REPORT_NAMES } from '../report.model';

/** The period and filters every report and its drill-down share. */
export class ReportSelectionQuery {
  @ApiPropertyOptional({
    example: '2026-11',
    description:
      'A month (2026-11), a calendar quarter (2026-Q3) or a financial year (FY2025: 1 April 2025 to 31 March 2026). Or give from and to.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  period?: string;
  @ApiPropertyOptional({ format: 'date', description: 'First local day (Europe/London), with to.' })
  @IsOptional()
  @IsLocalDate()
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last local day, included.' }) @IsOptional() @IsLocalDate() to?: string;
  @ApiPropertyOptional({ example: 'police-s136', description: 'Only referrals from this source (the referral source code).' })
  @IsOptional()
  @Matches(TAG, { message: 'source must be a referral source code' })
  source?: string;
  @ApiPropertyOptional({ enum: LEGAL_CONTEXT_KINDS, description: 'Only referrals in this legal context.' })
  @IsOptional()
  @IsIn(LEGAL_CONTEXT_KINDS)
  legalContext?: string;
  @ApiPropertyOptional({ description: "Only work of this team (the allocated or lead AMHP's team)." })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  team?: string;
  @ApiPropertyOptional({
    enum: HOURS_BANDS,
    description:
      'in: Monday to Friday 09:00-17:00 local, not a bank holiday; weekend: Saturday, Sunday or a bank holiday; out: any other time.',
  })
  @IsOptional()
  @IsIn(HOURS_BANDS)
  hours?: (typeof HOURS_BANDS)[number];
}

export class ReportsQuery extends ReportSelectionQuery {
  @ApiPropertyOptional({
    description: 'Small-number suppression: counts 1-4 as [c], others rounded to the nearest 5. Always on for auditors.',
  })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  suppress?: boolean;
  @ApiPropertyOptional({
    enum: REPORT_FORMATS,
    description: 'Without it, the Accept header chooses (text/csv, text/html, application/pdf); JSON by default.',
  })
  @IsOptional()
  @IsIn(REPORT_FORMATS)
  format?: ReportFormat;
}

/** The records behind a figure: a page at a time, as every list (ten years of a figure can be tens of thousands). */
export class RecordsQuery extends ReportSelectionQuery {
  @ApiProperty({ example: 'by-month.2026-11.referrals', description: "The figure's key (section.group.measure), as in its records link." })
  @IsString()
  @MaxLength(200)
  figure: string;

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class ReportPeriodDto {
  @ApiProperty({ example: '2026-11' }) label: string;
  @ApiProperty({ format: 'date', example: '2026-11-01' }) from: string;
  @ApiProperty({ format: 'date', example: '2026-11-30' }) to: string;
}

export class ReportFiltersDto {
  @ApiPropertyOptional() source?: string;
  @ApiPropertyOptional({ enum: LEGAL_CONTEXT_KINDS }) legalContext?: string;
  @ApiPropertyOptional() team?: string;
  @ApiPropertyOptional({ enum: HOURS_BANDS }) hours?: string;
}

export class FigureDto {
  @ApiProperty({ example: 'by-month' }) section: string;
  @ApiProperty({ example: 'By month' }) sectionLabel: string;
  @ApiProperty({ example: '2026-11' }) group: string;
  @ApiProperty({ example: 'November 2026' }) groupLabel: string;
  @ApiProperty({ example: 'referrals' }) measure: string;
  @ApiProperty({ example: 'Referrals' }) measureLabel: string;
  @ApiProperty({ enum: ['count', 'share', 'minutes', 'rate', 'ratio', 'number', 'fte'] }) unit: string;
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string', enum: ['[c]'] }],
    nullable: true,
    example: 42,
    description:
      'A count, a share (0-1), minutes, a rate per 100,000 or a rate ratio; [c] when suppressed; null when there is nothing to measure.',
  })
  value: number | string | null;
  @ApiPropertyOptional({
    example: '/reports/activity/records?figure=by-month.2026-11.referrals&period=2026-11',
    description: 'The records behind the figure (managers only).',
  })
  records?: string;
}

export class ReportDto {
  @ApiProperty({ enum: REPORT_NAMES }) report: string;
  @ApiProperty({ example: 'Activity and outcomes' }) title: string;
  @ApiProperty({ type: ReportPeriodDto }) period: ReportPeriodDto;
  @ApiProperty({ type: ReportFiltersDto }) filters: ReportFiltersDto;
  @ApiProperty() suppressed: boolean;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ type: [String] }) definitions: string[];
  @ApiProperty({ type: [FigureDto] }) figures: FigureDto[];
}

export class ReportRecordDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for an out-of-hours decision (see decisionId).' })
  referralId: string | null;
  @ApiProperty({ example: 'R-2026-000123', nullable: true, type: String }) reference: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) assessmentId: string | null;
  @ApiPropertyOptional({ format: 'uuid', description: 'The out-of-hours decision counted (safeguarding, DoLS).' }) decisionId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The practitioner counted (workforce, workforce survey).' }) practitionerId?: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The rota shift counted (workforce); listed once per AMHP place when the figure counts places.',
  })
  shiftId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The handover item counted (out of hours).' }) handoverItemId?: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Null for a decision about a person with no record.' })
  personId: string | null;
  @ApiProperty({ format: 'date-time', description: 'The instant the figure counts (received, decided, arrived...).' }) at: string;
}

export class ReportRecordsDto {
  @ApiProperty({ example: 'by-month.2026-11.referrals' }) figure: string;
  @ApiProperty({
    type: [ReportRecordDto],
    description: 'In the order of their instants (`at`); a page may hold fewer than `limit` when some are of people you may not read.',
  })
  items: ReportRecordDto[];
  @ApiProperty({ nullable: true, type: String, description: 'The next page (as `cursor`), or null after the last.' }) nextCursor:
    string | null;
}

/** Example responses for the OpenAPI document: one figure of each report. */
const example = (report: string, title: string, figures: object[]) => ({
  report,
  title,
  period: { label: '2026-11', from: '2026-11-01', to: '2026-11-30' },
  filters: {},
  suppressed: false,
  generatedAt: '2026-12-01T09:00:00.000Z',
  definitions: ['Each event counts in the local month (Europe/London) and the hours band of the instant it happened.'],
  figures,
});
const fig = (
  report: string,
  section: string,
  sectionLabel: string,
  group: string,
  groupLabel: string,
  measure: string,
  measureLabel: string,
  unit: string,
  value: unknown,
) => ({
  section,
  sectionLabel,
  group,
  groupLabel,
  measure,
  measureLabel,
  unit,
  value,
  records: `/reports/${report}/records?figure=${section}.${group}.${measure}&period=2026-11`,
});
export const REPORT_EXAMPLES = {
  activity: example('activity', 'Activity and outcomes', [
    fig('activity', 'by-month', 'By month', '2026-11', 'November 2026', 'referrals', 'Referrals', 'count', 61),
    fig(
      'activity',
      'by-month',
      'By month',
      '2026-11',
      'November 2026',
      'detention-rate',
      'Detention rate (detentions / completed)',
      'share',
      0.467,
    ),
  ]),
  timeliness: example('timeliness', 'Timeliness of each step', [
    fig(
      'timeliness',
      'all',
      'All referrals',
      'referral-to-screening',
      'Referral received → screening decision',
      'median',
      'Median (minutes)',
      'minutes',
      38,
    ),
  ]),
  'places-of-safety': example('places-of-safety', 'Section 135 and 136: places of safety', [
    fig(
      'places-of-safety',
      'summary',
      'Summary',
      's136',
      's.136',
      'within-target',
      'Assessment started within the local target',
      'count',
      9,
    ),
  ]),
  equity: example('equity', 'Equity: assessments and detentions by ethnicity, age and sex', [
    fig(
      'equity',
      'detentions-by-broad-ethnic-group',
      'Detentions (s.2, s.3, s.4) by broad ethnic group',
      'black',
      'Black or Black British',
      'rate',
      'Rate per 100,000',
      'rate',
      38.5,
    ),
    fig(
      'equity',
      'detentions-by-broad-ethnic-group',
      'Detentions (s.2, s.3, s.4) by broad ethnic group',
      'black',
      'Black or Black British',
      'ratio',
      'Ratio to the White rate',
      'ratio',
      3.62,
    ),
  ]),
  'repeat-assessments': example('repeat-assessments', 'Repeat assessments and re-referrals', [
    fig(
      'repeat-assessments',
      're-referral',
      'Re-referral after "not detained"',
      'within-28-days',
      'Within 28 days',
      'share',
      'Share re-referred',
      'share',
      0.143,
    ),
  ]),
  'out-of-area': example('out-of-area', 'Out of area: residents of other areas, and referrals transferred', [
    fig(
      'out-of-area',
      'other-areas-residents',
      "Other areas' residents referred here",
      'Southvale Council',
      'Southvale Council',
      'assessed-here',
      'Assessed here',
      'count',
      7,
    ),
  ]),
  'beds-and-conveyance': example('beds-and-conveyance', 'Beds and conveyance', [
    fig(
      'beds-and-conveyance',
      'steps',
      'Time of each step (minutes)',
      'decision-to-bed',
      'Decision → bed identified',
      'median',
      'Median (minutes)',
      'minutes',
      185,
    ),
    fig('beds-and-conveyance', 'summary', 'Applications for admission', 'all', 'All', 'out-of-area', 'Bed out of area', 'count', 4),
  ]),
  workforce: example('workforce', 'Workforce and rota', [
    {
      section: 'amhps',
      sectionLabel: 'AMHPs on the last day of the period',
      group: 'all',
      groupLabel: 'All',
      measure: 'fte',
      measureLabel: 'FTE',
      unit: 'number',
      value: 21.6,
    },
    fig('workforce', 'productivity', 'Assessments per FTE', 'all', 'All', 'assessments', 'Assessments opened', 'count', 67),
  ]),
  'my-workload': example('my-workload', 'My workload', [
    {
      section: 'summary',
      sectionLabel: 'Summary',
      group: 'all',
      groupLabel: 'All',
      measure: 'led',
      measureLabel: 'Assessments led',
      unit: 'count',
      value: 6,
    },
  ]),
  'out-of-hours': example('out-of-hours', 'Out-of-hours safeguarding and DoLS', [
    {
      section: 'sac-typeOfRisk',
      sectionLabel: 's.42: type of risk (SG2a)',
      group: 'self-neglect',
      groupLabel: 'Self-neglect',
      measure: 'decisions',
      measureLabel: 's.42 decisions',
      unit: 'count',
      value: 3,
    },
    {
      section: 'handover',
      sectionLabel: 'Handover items and time to acknowledge',
      group: 'all',
      groupLabel: 'All items',
      measure: 'median',
      measureLabel: 'Median time to acknowledge (minutes)',
      unit: 'minutes',
      value: 52,
    },
  ]),
};

/** The period of the DoLS return, and its two renderings (a case list: JSON or CSV). */
export class DolsReturnQuery extends ReportSelectionQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'Without it, the Accept header chooses (text/csv); JSON by default.' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class DolsReturnColumnDto {
  @ApiProperty({ example: 'dateReceived' }) key: string;
  @ApiProperty({ example: 'Date application received' }) label: string;
}

export class DolsReturnCaseDto {
  @ApiProperty({ format: 'uuid', description: 'The hub’s pseudonymous reference of the person (never a name).' }) personReference: string;
  @ApiProperty({ example: 'Northshire County Council' }) council: string;
  @ApiProperty({ nullable: true, type: String, example: 'Elm House Care Home' }) managingAuthority: string | null;
  @ApiProperty({ format: 'date' }) dateReceived: string;
  @ApiProperty() urgentAuthorisationIncluded: boolean;
  @ApiProperty({
    example: { age: 'met', mentalHealth: 'met', mentalCapacity: 'met', bestInterests: 'met', eligibility: 'met', noRefusals: 'met' },
    description: 'Each of the six requirements: met, not-met, or null while not yet assessed.',
  })
  assessments: Record<string, string | null>;
  @ApiProperty({ format: 'date', nullable: true, type: String }) lastAssessedOn: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) signedOffOn: string | null;
  @ApiProperty({ enum: ['not-yet-signed-off', 'granted', 'not-granted', 'withdrawn'] }) status: string;
  @ApiProperty({ example: 'Signed off: granted' }) statusLabel: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) startsOn: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) endsOn: string | null;
  @ApiProperty({ format: 'uuid', description: 'The decision that gives the row.' }) decisionId: string;
}

export class DolsReturnDto {
  @ApiProperty({ enum: ['returns-dols'] }) report: string;
  @ApiProperty({ example: 'DoLS return: case rows' }) title: string;
  @ApiProperty({ type: ReportPeriodDto }) period: ReportPeriodDto;
  @ApiProperty({ example: 'Northshire County Council' }) council: string;
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ type: [String] }) definitions: string[];
  @ApiProperty({ type: [DolsReturnColumnDto] }) columns: DolsReturnColumnDto[];
  @ApiProperty({ type: [DolsReturnCaseDto] }) rows: DolsReturnCaseDto[];
}

const yearExample = (report: string, title: string, figures: object[]) => ({
  ...example(report, title, figures),
  period: { label: 'FY2025', from: '2025-04-01', to: '2026-03-31' },
});
const yearFig = (report: string, ...a: Parameters<typeof fig> extends [string, ...infer R] ? R : never) => ({
  ...fig(report, ...a),
  records: `/reports/${report}/records?figure=${a[0]}.${a[2]}.${a[4]}&period=FY2025`,
});
export const RETURN_EXAMPLES = {
  'returns-sac': yearExample(
    'returns-sac',
    'Safeguarding Adults Collection (SAC): the out-of-hours service’s s.42 concerns and enquiries',
    [
      yearFig(
        'returns-sac',
        'SG1',
        'SG1: concerns and enquiries',
        'all',
        'All',
        's42-enquiries',
        'Section 42 enquiries started',
        'count',
        35,
      ),
      yearFig(
        'returns-sac',
        'SG2a',
        'SG2a: type of risk',
        'self-neglect',
        'Self-neglect',
        's42-enquiries',
        'Section 42 enquiries',
        'count',
        '[c]',
      ),
    ],
  ),
  'returns-guardianship': yearExample('returns-guardianship', 'Guardianship: new s.7 cases by sex and guardian type', [
    yearFig(
      'returns-guardianship',
      'new-s7',
      'New s.7 cases (accepted by the LSSA)',
      'female',
      'Female',
      'lssa',
      'Local social services authority',
      'count',
      3,
    ),
  ]),
  'returns-workforce-survey': yearExample(
    'returns-workforce-survey',
    'AMHP workforce survey (Skills for Care): the answers the hub holds',
    [yearFig('returns-workforce-survey', 'amhps', 'AMHPs', 'all', 'All', 'fte', 'FTE', 'fte', 23.4)],
  ),
  'data-quality': example('data-quality', 'Data quality: codes and times the reports needed', [
    fig(
      'data-quality',
      'people',
      'People referred',
      'all',
      'All',
      'ethnicity-not-stated-or-not-known',
      'Ethnic category not stated, not known or none',
      'count',
      7,
    ),
  ]),
  'returns-dols': {
    report: 'returns-dols',
    title: 'DoLS return: case rows',
    period: { label: 'FY2025', from: '2025-04-01', to: '2026-03-31' },
    council: 'Northshire County Council',
    generatedAt: '2026-04-20T09:00:00.000Z',
    definitions: ['One row per standard authorisation request received in the period.'],
    columns: [
      { key: 'personReference', label: 'Person reference (pseudonymous)' },
      { key: 'dateReceived', label: 'Date application received' },
    ],
    rows: [
      {
        personReference: '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b',
        council: 'Northshire County Council',
        managingAuthority: 'Elm House Care Home',
        dateReceived: '2025-11-21',
        urgentAuthorisationIncluded: true,
        assessments: {
          age: 'met',
          mentalHealth: 'met',
          mentalCapacity: 'met',
          bestInterests: 'met',
          eligibility: 'met',
          noRefusals: 'met',
        },
        lastAssessedOn: '2025-11-26',
        signedOffOn: '2025-11-27',
        status: 'granted',
        statusLabel: 'Signed off: granted',
        startsOn: '2025-11-27',
        endsOn: '2026-05-26',
        decisionId: '0b7e8c1d-2f3a-4b5c-9d6e-7f8a9b0c1d2e',
      },
    ],
  },
};
