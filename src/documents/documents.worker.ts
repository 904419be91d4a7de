/**
 * The documents' worker thread: draws the PDFs (a report's, an assessment's outcome report, the s.13(4) letter), tens
 * of milliseconds of drawing each that would otherwise hold the API's event loop (the first drawing, loading the
 * fonts, up to ~90 ms). Only the document's data comes in and its bytes go back. DocumentsService starts it.
 */
import { workerData } from 'node:worker_threads';
import type { PdfOptions } from '../assessments/report/pdf';
import { renderLetterPdf, renderReportPdf as renderOutcomeReportPdf } from '../assessments/report/pdf';
import type { OutcomeReport, WrittenReasonsLetter } from '../assessments/report/report.types';
import { serveJobs } from '../common/job-thread';
import { lowerThisThread } from '../common/worker-module';
import type { Report } from '../reports/report.model';
import { renderReportPdf } from '../reports/report.pdf';

export type DocumentJob =
  | { document: 'report'; report: Report; timeZone: string }
  | { document: 'outcome-report'; report: OutcomeReport; options: PdfOptions }
  | { document: 'letter'; letter: WrittenReasonsLetter; options: PdfOptions };

export interface DocumentsWorkerData {
  nice: number;
}

const data = workerData as DocumentsWorkerData | undefined;
if (data) {
  lowerThisThread(data.nice);
  serveJobs<DocumentJob, Uint8Array>((job) => {
    if (job.document === 'report') return renderReportPdf(job.report, job.timeZone);
    if (job.document === 'outcome-report') return renderOutcomeReportPdf(job.report, job.options);
    return renderLetterPdf(job.letter, job.options);
  });
}
