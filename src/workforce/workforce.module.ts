import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ApprovalsController } from './approvals.controller';
import { ApprovalsService } from './approvals.service';
import { EligibilityService } from './eligibility.service';
import { EligibilityWithdrawals } from './eligibility-withdrawals';
import { PractitionersController } from './practitioners.controller';
import { PractitionersService } from './practitioners.service';
import { TrainingController } from './training.controller';
import { TrainingService } from './training.service';

@Module({
  imports: [AuthModule],
  controllers: [PractitionersController, ApprovalsController, TrainingController],
  providers: [PractitionersService, ApprovalsService, TrainingService, EligibilityService, EligibilityWithdrawals],
  exports: [PractitionersService, ApprovalsService, TrainingService, EligibilityService, EligibilityWithdrawals],
})
export class WorkforceModule {}
