import { Module } from '@nestjs/common';
import { NotificationsModule } from '../alerts/notifications.module';
import { AuthModule } from '../auth/auth.module';
import { DoctorsModule } from '../doctors/doctors.module';
import { PagesModule } from '../pages/pages.module';
import { PeopleModule } from '../people/people.module';
import { RotaModule } from '../rota/rota.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { MyOffersController } from './my-offers.controller';
import { PersonMatchesController } from './person-matches.controller';
import { ReferralsController } from './referrals.controller';
import { ReferralsService } from './referrals.service';
import { S4AdmissionCorrections } from './s4-admission-corrections';

@Module({
  imports: [AuthModule, DoctorsModule, NotificationsModule, PagesModule, PeopleModule, RotaModule, WorkforceModule],
  controllers: [MyOffersController, PersonMatchesController, ReferralsController],
  providers: [ReferralsService, S4AdmissionCorrections],
  exports: [ReferralsService, S4AdmissionCorrections],
})
export class ReferralsModule {}
