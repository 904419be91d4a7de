import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { CtoExtensionsModule } from '../cto-extensions/cto-extensions.module';
import { PeopleModule } from '../people/people.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { JobPackController } from './job-pack.controller';
import { JobPackService } from './job-pack.service';

/** What the duty app reads for use without a signal (it owns no table: it reads through the owning modules' services). */
@Module({
  imports: [ReferralsModule, PeopleModule, AssessmentsModule, CtoExtensionsModule],
  controllers: [JobPackController],
  providers: [JobPackService],
})
export class JobPackModule {}
