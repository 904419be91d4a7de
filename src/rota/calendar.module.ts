import { Module } from '@nestjs/common';
import { WorkforceModule } from '../workforce/workforce.module';
import { CalendarController } from './calendar.controller';
import { CalendarService } from './calendar.service';

/** Secret calendar feed URLs (ICS) of the rota. */
@Module({
  imports: [WorkforceModule],
  controllers: [CalendarController],
  providers: [CalendarService],
})
export class CalendarModule {}
