import { Module } from '@nestjs/common';
import { MyPagesController, PagesController } from './pages.controller';
import { PagesService } from './pages.service';
import { PushSender } from './push-sender.service';

/**
 * Paging: Web Push subscriptions per device, the pages that must wake someone (raised by the referrals module's
 * offers and the alert jobs' clock warnings, escalations and handover), their sending and acknowledgement.
 */
@Module({
  controllers: [MyPagesController, PagesController],
  providers: [PagesService, PushSender],
  exports: [PagesService, PushSender],
})
export class PagesModule {}
