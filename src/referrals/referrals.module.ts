import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DoctorsModule } from '../doctors/doctors.module';
import { PeopleModule } from '../people/people.module';
import { RotaModule } from '../rota/rota.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { PersonMatchesController } from './person-matches.controller';
import { ReferralsController } from './referrals.controller';
import { ReferralsService } from './referrals.service';

@Module({
  imports: [AuthModule, DoctorsModule, PeopleModule, RotaModule, WorkforceModule],
  controllers: [PersonMatchesController, ReferralsController],
  providers: [ReferralsService],
  exports: [ReferralsService],
})
export class ReferralsModule {}
