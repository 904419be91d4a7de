import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { AuthModule } from '../auth/auth.module';
import { DoctorsModule } from '../doctors/doctors.module';
import { PeopleModule } from '../people/people.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { AssessmentsController } from './assessments.controller';
import { AssessmentsService } from './assessments.service';

/**
 * MHA assessments and outcomes, checked against MHA 1983 Part 2 and its regulations (the APP, MED, COI, NR, GDN,
 * CTO, COP and MHA25 rules).
 */
@Module({
  imports: [ReferralsModule, PeopleModule, DoctorsModule, WorkforceModule, AuthModule, DocumentsModule],
  controllers: [AssessmentsController],
  providers: [AssessmentsService],
  exports: [AssessmentsService],
})
export class AssessmentsModule {}
