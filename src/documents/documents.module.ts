import { Module } from '@nestjs/common';
import { DocumentsService } from './documents.service';

/** The PDFs the API hands out, drawn off its event loop. */
@Module({
  providers: [DocumentsService],
  exports: [DocumentsService],
})
export class DocumentsModule {}
