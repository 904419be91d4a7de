import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { RotaModule } from '../rota/rota.module';
import { ReportsController } from './reports.controller';
import { PopulationsService } from './populations.service';
import { ReportsService } from './reports.service';

/** Reports the AMHP lead answers for: activity and outcomes, timeliness of each step, places of safety. */
@Module({
  imports: [RotaModule, DocumentsModule],
  controllers: [ReportsController],
  providers: [ReportsService, PopulationsService],
  exports: [PopulationsService],
})
export class ReportsModule {}
