import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { NotificationsService } from './notifications.service';

/**
 * The per-user notifications inbox on its own, so that the modules whose changes notify someone at once (an offer of
 * a referral to an AMHP) raise them in their own transaction; the scheduled jobs (AlertsModule) raise the rest.
 */
@Module({
  imports: [AuthModule],
  providers: [NotificationsService],
  exports: [NotificationsService],
})
export class NotificationsModule {}
