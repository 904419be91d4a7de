import { Module } from '@nestjs/common';
import { NotificationsModule } from '../alerts/notifications.module';
import { PagesModule } from '../pages/pages.module';
import { RotaModule } from '../rota/rota.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { CtoExtensionsController } from './cto-extensions.controller';
import { CtoExtensionsService } from './cto-extensions.service';

/** CTO-04 (MHA 1983 s.20A(3), (4), (8)): the AMHP's statement on extending a community treatment order. */
@Module({
  imports: [WorkforceModule, NotificationsModule, PagesModule, RotaModule],
  controllers: [CtoExtensionsController],
  providers: [CtoExtensionsService],
  exports: [CtoExtensionsService],
})
export class CtoExtensionsModule {}
