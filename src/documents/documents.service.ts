import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { PdfOptions } from '../assessments/report/pdf';
import type { OutcomeReport, WrittenReasonsLetter } from '../assessments/report/report.types';
import { JobThread } from '../common/job-thread';
import { AppConfig } from '../config/app-config';
import type { Report } from '../reports/report.model';
import type { AssignmentFact, FeedOptions, ShiftFact } from '../rota/calendar.ics';
import type { DocumentAnswerTo, DocumentJob, DocumentsWorkerData } from './documents.worker';

/** The heap the documents' thread may use: a PDF of a few pages needs a few MiB. */
const DOCUMENTS_MEMORY_MB = 256;

/**
 * The PDFs and the calendar feeds, made in the documents' worker thread (documents.worker.ts): started with the first
 * document, stopped after a minute without one, below the API's threads (PLANNER_NICE), so that drawing a manager's
 * report or a duty AMHP's outcome report, or a calendar app fetching the rota, never makes the other requests wait.
 */
@Injectable()
export class DocumentsService implements OnModuleDestroy {
  private readonly thread: JobThread<DocumentJob, Uint8Array | string>;

  constructor(private readonly config: AppConfig) {
    const workerData: DocumentsWorkerData = { nice: config.plannerNice };
    this.thread = JobThread.beside(__filename, 'documents.worker', {
      workerData,
      memoryMb: DOCUMENTS_MEMORY_MB,
      what: 'drawing the document',
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.thread.close();
  }

  /** A report (figures, charts and tables) as a PDF. */
  reportPdf(report: Report): Promise<Buffer> {
    return this.draw({ document: 'report', report, timeZone: this.config.timeZone });
  }

  /** An assessment's outcome report (COP-07) as a PDF. */
  outcomeReportPdf(report: OutcomeReport, options: PdfOptions): Promise<Buffer> {
    return this.draw({ document: 'outcome-report', report, options });
  }

  /** The s.13(4) written reasons letter as a PDF. */
  letterPdf(letter: WrittenReasonsLetter, options: PdfOptions): Promise<Buffer> {
    return this.draw({ document: 'letter', letter, options });
  }

  /** An AMHP's own duties as an ICS calendar feed. */
  assignmentsCalendar(assignments: AssignmentFact[], options: FeedOptions): Promise<string> {
    return this.run({ document: 'assignments-calendar', assignments, options });
  }

  /** The hub's rota as an ICS calendar feed. */
  hubCalendar(shifts: ShiftFact[], options: FeedOptions): Promise<string> {
    return this.run({ document: 'hub-calendar', shifts, options });
  }

  /** A job's answer, typed by its kind (the thread answers each kind as DocumentAnswerTo says). */
  private run<J extends DocumentJob>(job: J): Promise<DocumentAnswerTo<J>> {
    return this.thread.run(job) as Promise<DocumentAnswerTo<J>>;
  }

  private async draw(job: Extract<DocumentJob, { document: 'report' | 'outcome-report' | 'letter' }>): Promise<Buffer> {
    const bytes = await this.run(job);
    // A Buffer crosses the threads as a plain Uint8Array: the same bytes, seen as a Buffer again without a copy.
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
