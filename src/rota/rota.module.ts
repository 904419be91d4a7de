import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { AssignmentChecksService } from './assignment-checks.service';
import { AssignmentsService } from './assignments.service';
import { DutyService } from './duty.service';
import { ManagerOnCallController } from './manager-on-call.controller';
import { ManagerOnCallService } from './manager-on-call.service';
import { OffDuty } from './off-duty';
import { PatternsService } from './patterns.service';
import { RotaController } from './rota.controller';
import { ShiftsService } from './shifts.service';

@Module({
  imports: [WorkforceModule, AuthModule],
  controllers: [RotaController, ManagerOnCallController],
  providers: [PatternsService, ShiftsService, AssignmentChecksService, AssignmentsService, DutyService, ManagerOnCallService, OffDuty],
  exports: [PatternsService, ShiftsService, AssignmentChecksService, AssignmentsService, DutyService, ManagerOnCallService, OffDuty],
})
export class RotaModule {}
