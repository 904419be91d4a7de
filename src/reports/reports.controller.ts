import { Body, Controller, Get, Headers, Param, ParseEnumPipe, Put, Query, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { AppConfig } from '../config/app-config';
import { DocumentsService } from '../documents/documents.service';
import { reportCsv } from './csv';
import {
  DolsReturnDto,
  DolsReturnQuery,
  RecordsQuery,
  REPORT_EXAMPLES,
  ReportDto,
  ReportsQuery,
  ReportRecordsDto,
  RETURN_EXAMPLES,
} from './dto/reports.dto';
import { dolsReturnCsv } from './returns';
import { chooseFormat } from './format';
import { type Report, REPORT_NAMES, type ReportName } from './report.model';
import { renderReportHtml, REPORT_HTML_CSP } from './report.html';
import { ReportsService } from './reports.service';
import { POPULATION_CSV_EXAMPLE, PopulationYearDto } from './dto/populations.dto';
import { PopulationsService } from './populations.service';
import { NamedParamPipe } from '../common/validation';

const DESCRIPTION =
  ' Period: `period` (2026-11, 2026-Q3, FY2025) or `from` and `to` (local dates); one that ends before it starts or is longer than 3,660 days is 422 `bad-period` naming `to`, one that starts after today 422 `period-in-future` naming `period` or `from`. Filters: source, legalContext, team, hours (in, out, weekend).' +
  ' `format=csv` (or Accept: text/csv): RFC 4180, one row per figure with codes and labels; `format=html`: a printable page with charts; `format=pdf`.' +
  ' `suppress=true`: counts 1-4 as [c], others rounded to 5 (always for auditors). Each figure links to its records (managers).';

const produces = (example: object) =>
  ApiOkResponse({
    description: 'The figures, as JSON (default), CSV, printable HTML or PDF.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ReportDto) }, example },
      'text/csv': { schema: { type: 'string' } },
      'text/html': { schema: { type: 'string' } },
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    },
  });

@ApiTags('reports')
@ApiExtraModels(ReportDto, DolsReturnDto)
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly config: AppConfig,
    private readonly populations: PopulationsService,
    private readonly documents: DocumentsService,
  ) {}

  @Get('activity')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Activity and outcomes by month: referrals, screened out (by reason), assessments arranged, completed and not completed (by reason), outcomes by section and alternative, detention rate; in hours, out of hours and weekends.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES.activity)
  activity(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('activity', actor, q, accept, reply);
  }

  @Get('timeliness')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Median and 90th percentile (linear interpolation) of each step: referral → screening → allocation → doctors requested → doctors arrived → interview → decision → application → admitted; overall, by source and by legal context.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES.timeliness)
  timeliness(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('timeliness', actor, q, accept, reply);
  }

  @Get('places-of-safety')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      's.135 and s.136: arrival → assessment start against the 24 h limit and the local target (PLACE_OF_SAFETY_TARGET_MINUTES), s.136B extensions and reasons, breaches, type of place of safety (a police station for an under-18 is flagged), outcomes.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['places-of-safety'])
  placesOfSafety(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('places-of-safety', actor, q, accept, reply);
  }

  @Get('equity')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Equity: assessments, detentions (all and by section), s.136 detentions and repeat assessments by broad and detailed ethnic group, age band and sex; rates per 100,000 on the loaded population (the year nearest the period) with 95% intervals, the ratio to the White rate with its interval, and the share of records with ethnicity not stated (Z) or not known (99). Without a population loaded: counts only, and a note in the definitions.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES.equity)
  equity(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('equity', actor, q, accept, reply);
  }

  @Get('repeat-assessments')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Repeat assessments: people assessed in the period with 2 or more assessments in 12 months; re-referral within 28 and 90 days after a decision "not detained".' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['repeat-assessments'])
  repeatAssessments(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('repeat-assessments', actor, q, accept, reply);
  }

  @Get('out-of-area')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      "Out of area (s.13(3)): referrals of other areas' residents (the referral's other authority), assessed here or transferred; and our residents' referrals transferred to another council (transferredTo)." +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['out-of-area'])
  outOfArea(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('out-of-area', actor, q, accept, reply);
  }

  @Get('populations')
  @Authorize('reports.read')
  @ApiOperation({
    summary: "The population loaded for the equity report's rates: each year, its level (broad or detailed), lines and total.",
  })
  @ApiOkResponse({ type: [PopulationYearDto] })
  populationList(): Promise<PopulationYearDto[]> {
    return this.populations.list();
  }

  @Put('populations')
  @Authorize('reports.populations')
  @ApiOperation({
    summary:
      'Load ONS mid-year estimates as CSV (text/csv): header `year,ageBand,sex,ethnicGroup,population`; ageBand 0-15, 16-17, 18-34, 35-49, 50-64 or 65+; sex female or male; ethnicGroup a broad group (white, mixed, asian, black, other) or an NHS ethnic category code A-S (one level per year); population a whole number. Each year in the file replaces that year, all or nothing, audited. Any error: 422 naming each line and column (`errors`), nothing stored.',
  })
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: POPULATION_CSV_EXAMPLE } })
  @ApiOkResponse({ type: [PopulationYearDto], description: 'The years loaded by this file.' })
  loadPopulations(@CurrentActor() actor: Actor, @Body() csv: unknown): Promise<PopulationYearDto[]> {
    return this.populations.load(actor, csv);
  }

  @Get('beds-and-conveyance')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Beds and conveyance for the applications for admission decided: decision → bed identified → conveyance arrived (median, 90th percentile), mode of conveyance, out-of-area beds, people waiting with an application signed at the end of the period (and how long), assessments not completed for want of a bed.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['beds-and-conveyance'])
  bedsAndConveyance(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('beds-and-conveyance', actor, q, accept, reply);
  }

  @Get('workforce')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Workforce and rota: AMHPs by headcount, FTE and profession on the last day of the period, approvals ending in the next 6 months, supervision and training compliance (as at the last day of the period, or today while it has not ended: the date is in their labels and the definitions), rota fill and gaps (filled / required, by hours band), assessments per FTE, out-of-hours load per shift. The team filter selects the AMHPs and their assessments.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES.workforce)
  workforce(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('workforce', actor, q, accept, reply);
  }

  @Get('my-workload')
  @Authorize('reports.workload')
  @ApiOperation({
    summary:
      "Your own workload (an AMHP's, or a manager's who leads assessments): the assessments you led, out of hours, by outcome and by month. Only ever your own figures." +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['my-workload'])
  myWorkload(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('my-workload', actor, q, accept, reply);
  }

  @Get('out-of-hours')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Out-of-hours safeguarding and DoLS: signed decisions by type, s.42 decisions by the SAC categories they are coded to (SG2a, SG2b, SG2c/e, SG3a, SG4a), DoLS urgent authorisations and extensions, handover items and the time to acknowledge them (median, 90th percentile). Filters: hours only (the decisions have no referral source or legal context).' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(REPORT_EXAMPLES['out-of-hours'])
  outOfHours(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('out-of-hours', actor, q, accept, reply);
  }

  @Get('returns/sac')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      "Safeguarding Adults Collection tables from the out-of-hours service's signed s.42 decisions and their SAC codes (use a financial year, e.g. FY2025): SG1 concerns, s.42 and other enquiries, individuals by age band, sex and ethnicity; SG2a type of risk; SG2b location and source; SG2c/SG2e action and result (concluded enquiries); SG3a/SG3b capacity and support; SG4a/SG4b Making Safeguarding Personal. The hub fills SG1, SG2a, SG2b, SG3a and SG4a for the enquiries it starts; the council adds the day teams' records (and SG5) before making the return." +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(RETURN_EXAMPLES['returns-sac'])
  sacReturn(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('returns-sac', actor, q, accept, reply);
  }

  @Get('returns/dols')
  @Authorize('reports.records')
  @ApiOperation({
    summary:
      "The DoLS return's case rows (use a financial year, e.g. FY2025): one row per standard authorisation request received, from the signed DoLS decisions, in the return's column order; the person by the hub's pseudonymous reference, never a name. Managers only: reading it is a read of each person's decision, audited. `format=csv` (or Accept: text/csv) for the file; JSON by default.",
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description: 'The case rows, as JSON (default) or CSV.',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(DolsReturnDto) }, example: RETURN_EXAMPLES['returns-dols'] },
      'text/csv': { schema: { type: 'string' } },
    },
  })
  async dolsReturn(
    @CurrentActor() actor: Actor,
    @Query() q: DolsReturnQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DolsReturnDto | string> {
    // A case list is JSON or CSV: an Accept header preferring HTML or PDF gets JSON.
    const format = chooseFormat(q.format, accept);
    const dols = await this.reports.dolsReturn(actor, q);
    if (format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8; header=present');
      reply.header('content-disposition', `attachment; filename="dols-return-${dols.period.label.replace(/\.\./g, '_')}.csv"`);
      return dolsReturnCsv(dols.rows);
    }
    return dols;
  }

  @Get('returns/guardianship')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Guardianship return (use a financial year, e.g. FY2025): new s.7 cases (applications by the hub’s AMHPs accepted by the LSSA) by sex and guardian type (LSSA or private), and the applications signed. Continuing and closed cases and s.37 orders are not held by the hub: the council adds them from its guardianship register.' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(RETURN_EXAMPLES['returns-guardianship'])
  guardianshipReturn(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('returns-guardianship', actor, q, accept, reply);
  }

  @Get('returns/workforce-survey')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      "The Skills for Care AMHP workforce survey's answers the hub holds, as at the period's last day: AMHP headcount and FTE, by profession, by team and by combined role (skills). The establishment (so the vacancy rate), employer, age band, sex and ethnicity are not held: the definitions say so and the council answers them." +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(RETURN_EXAMPLES['returns-workforce-survey'])
  workforceSurvey(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('returns-workforce-survey', actor, q, accept, reply);
  }

  @Get('data-quality')
  @Authorize('reports.read')
  @ApiOperation({
    summary:
      'Records missing the codes or times a report needed, to be put right: referrals whose person has no ethnic category (or not stated / not known), no date of birth or no sex; decided assessments without step times; s.42 decisions without SAC codes; DoLS decisions without the DoLS return fields. Each count links to its records (managers).' +
      DESCRIPTION,
  })
  @ApiProduces('application/json', 'text/csv', 'text/html', 'application/pdf')
  @produces(RETURN_EXAMPLES['data-quality'])
  dataQuality(
    @CurrentActor() actor: Actor,
    @Query() q: ReportsQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.send('data-quality', actor, q, accept, reply);
  }

  @Get(':report/records')
  @Authorize('reports.records')
  @ApiOperation({
    summary:
      "The records behind one figure of a report (its `records` link): each referral (and assessment) or out-of-hours decision counted, for the people you may read (a read of each person's record or decision, audited); or the practitioners, rota shifts or handover items a workforce or handover figure counts. The number of records is the figure (a share: its denominator; a time: its sample), less any person you may not read.",
  })
  @ApiParam({ name: 'report', enum: REPORT_NAMES })
  @ApiOkResponse({ type: ReportRecordsDto })
  records(
    @CurrentActor() actor: Actor,
    @Param(
      'report',
      new NamedParamPipe(
        new ParseEnumPipe(Object.fromEntries(REPORT_NAMES.map((n) => [n, n]))),
        `must be one of ${REPORT_NAMES.join(', ')}`,
      ),
    )
    report: ReportName,
    @Query() q: RecordsQuery,
  ): Promise<ReportRecordsDto> {
    return this.reports.records(actor, report, q);
  }

  private async send(
    name: ReportName,
    actor: Actor,
    q: ReportsQuery,
    accept: string | undefined,
    reply: FastifyReply,
  ): Promise<Report | string | Buffer> {
    const format = chooseFormat(q.format, accept);
    const report = await this.reports.report(actor, name, q);
    const file = `${name}-${report.period.label.replace(/\.\./g, '_')}`;
    if (format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8; header=present');
      reply.header('content-disposition', `attachment; filename="${file}.csv"`);
      return reportCsv(report);
    }
    if (format === 'html') {
      reply.header('content-type', 'text/html; charset=utf-8');
      reply.header('content-security-policy', REPORT_HTML_CSP);
      return renderReportHtml(report, this.config.timeZone);
    }
    if (format === 'pdf') {
      reply.header('content-type', 'application/pdf');
      reply.header('content-disposition', `inline; filename="${file}.pdf"`);
      return this.documents.reportPdf(report);
    }
    return report;
  }
}
