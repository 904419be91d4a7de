import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AssessmentsModule } from '../assessments/assessments.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { AppraisalsService } from './appraisals.service';
import { OversightController } from './oversight.controller';
import { PortfolioController } from './portfolio.controller';
import { PortfolioService } from './portfolio.service';
import { PracticeAuditsService } from './practice-audits.service';
import { SupervisionController } from './supervision.controller';
import { SupervisionService } from './supervision.service';

/** Supervision sessions and actions (AMHP-10), appraisals, practice audits and the reapproval portfolio. */
@Module({
  imports: [WorkforceModule, AssessmentsModule, AuthModule],
  controllers: [SupervisionController, OversightController, PortfolioController],
  providers: [SupervisionService, AppraisalsService, PracticeAuditsService, PortfolioService],
  exports: [SupervisionService, AppraisalsService, PracticeAuditsService],
})
export class SupervisionModule {}
