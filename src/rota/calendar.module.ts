import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';

/** Secret calendar feed URLs (ICS) of the rota. */
@Module({
  imports: [WorkforceModule, DocumentsModule],
  controllers: [CalendarController],
  providers: [CalendarService],
})
export class CalendarModule {}
