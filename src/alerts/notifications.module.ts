import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PagesModule } from '../pages/pages.module';
import { RotaModule } from '../rota/rota.module';
import { ClockAlerts } from './clock-alerts.service';
import { NotificationsService } from './notifications.service';

/**
 * The per-user notifications inbox on its own, so that the modules whose changes notify someone at once (an offer of
 * a referral to an AMHP) raise them in their own transaction; the scheduled jobs (AlertsModule) raise the rest. The
 * clocks' warnings (ClockAlerts) too: raised by the clock job, and at once when a job comes to an AMHP or goes back to
 * the queue (its managers on call from the rota).
 */
@Module({
  imports: [AuthModule, PagesModule, RotaModule],
  providers: [NotificationsService, ClockAlerts],
  exports: [NotificationsService, ClockAlerts],
})
export class NotificationsModule {}
