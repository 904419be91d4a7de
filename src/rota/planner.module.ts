import { Module } from '@nestjs/common';
import { WorkforceModule } from '../workforce/workforce.module';
import { PlannerController } from './planner.controller';
import { PlanRunsService } from './plan-runs.service';
import { PlannerService } from './planner.service';
import { RotaModule } from './rota.module';

/** The rota planner (MILP proposals, publication), rota preferences and the fairness report. */
@Module({
  imports: [RotaModule, WorkforceModule],
  controllers: [PlannerController],
  providers: [PlannerService, PlanRunsService],
})
export class PlannerModule {}
