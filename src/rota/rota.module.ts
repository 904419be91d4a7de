import { Module } from '@nestjs/common';
import { WorkforceModule } from '../workforce/workforce.module';
import { AssignmentChecksService } from './assignment-checks.service';
import { AssignmentsService } from './assignments.service';
import { DutyService } from './duty.service';
import { PatternsService } from './patterns.service';
import { RotaController } from './rota.controller';
import { ShiftsService } from './shifts.service';

@Module({
  imports: [WorkforceModule],
  controllers: [RotaController],
  providers: [PatternsService, ShiftsService, AssignmentChecksService, AssignmentsService, DutyService],
  exports: [PatternsService, ShiftsService, AssignmentChecksService, AssignmentsService, DutyService],
})
export class RotaModule {}
