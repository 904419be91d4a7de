/**
 * The documents' worker thread: draws the PDFs (a report's, an assessment's outcome report, the s.13(4) letter) and
 * writes the rota's calendar feeds, tens of milliseconds each that would otherwise hold the API's event loop (a PDF's
 * first drawing, loading the fonts, up to ~90 ms; a hub feed of 630 shifts 13-22 ms, up to ~70 ms the first time).
 * Only the document's data comes in and its bytes or text go back. DocumentsService starts it.
 */
import { workerData } from 'node:worker_threads';
import type { PdfOptions } from '../assessments/report/pdf';
import { renderLetterPdf, renderReportPdf as renderOutcomeReportPdf } from '../assessments/report/pdf';
import type { OutcomeReport, WrittenReasonsLetter } from '../assessments/report/report.types';
import { serveJobs } from '../common/job-thread';
import { lowerThisThread } from '../common/worker-module';
import type { Report } from '../reports/report.model';
import { assignmentsCalendar, hubCalendar, type AssignmentFact, type FeedOptions, type ShiftFact } from '../rota/calendar.ics';
import { renderReportPdf } from '../reports/report.pdf';

export type DocumentJob =
  | { document: 'report'; report: Report; timeZone: string }
  | { document: 'outcome-report'; report: OutcomeReport; options: PdfOptions }
  | { document: 'letter'; letter: WrittenReasonsLetter; options: PdfOptions }
  | { document: 'assignments-calendar'; assignments: AssignmentFact[]; options: FeedOptions }
  | { document: 'hub-calendar'; shifts: ShiftFact[]; options: FeedOptions };

/** What a job's document comes back as: a calendar feed's text, a PDF's bytes. */
export type DocumentAnswerTo<J extends DocumentJob> = J extends { document: 'assignments-calendar' | 'hub-calendar' } ? string : Uint8Array;

export interface DocumentsWorkerData {
  nice: number;
}

const data = workerData as DocumentsWorkerData | undefined;
if (data) {
  lowerThisThread(data.nice);
  serveJobs<DocumentJob, Uint8Array | string>(async (job) => {
    if (job.document === 'report') return renderReportPdf(job.report, job.timeZone);
    if (job.document === 'outcome-report') return renderOutcomeReportPdf(job.report, job.options);
    if (job.document === 'letter') return renderLetterPdf(job.letter, job.options);
    if (job.document === 'assignments-calendar') return assignmentsCalendar(job.assignments, job.options);
    return hubCalendar(job.shifts, job.options);
  });
}
