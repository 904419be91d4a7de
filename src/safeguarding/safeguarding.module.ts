import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { AuthModule } from '../auth/auth.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { RotaModule } from '../rota/rota.module';
import { PeopleModule } from '../people/people.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';
import { HandoversController } from './handovers.controller';
import { HandoversService } from './handovers.service';

/**
 * Out-of-hours decisions (OOH-01..OOH-08: Care Act 2014 s.42, MCA 2005 and Sch A1), their follow-up actions, and
 * the morning handover. Exports DecisionsService (`forHandover(m, from, to)` for the morning handover) and ActionsService (`openActions(m)`; `insert(m, …)` to
 * record a handover's actions in its transaction).
 */
@Module({
  imports: [PeopleModule, AuthModule, AssessmentsModule, ReferralsModule, RotaModule, WorkforceModule],
  controllers: [DecisionsController, ActionsController, HandoversController],
  providers: [DecisionsService, ActionsService, HandoversService],
  exports: [DecisionsService, ActionsService, HandoversService],
})
export class SafeguardingModule {}
