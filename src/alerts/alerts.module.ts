import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { AuthModule } from '../auth/auth.module';
import { CtoExtensionsModule } from '../cto-extensions/cto-extensions.module';
import { PagesModule } from '../pages/pages.module';
import { ReferralsModule } from '../referrals/referrals.module';
import { RotaModule } from '../rota/rota.module';
import { SafeguardingModule } from '../safeguarding/safeguarding.module';
import { SupervisionModule } from '../supervision/supervision.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { JobRunner } from './job-runner.service';
import { AlertJobs } from './jobs';
import { NotificationsController } from './notifications.controller';
import { NotificationsModule } from './notifications.module';
import { StreamController } from './stream.controller';
import { StreamService } from './stream.service';
import { WebhookDispatcher } from './webhook-dispatcher.service';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Scheduled jobs (once across replicas) and the per-user notifications inbox. */
@Module({
  imports: [
    AuthModule,
    NotificationsModule,
    PagesModule,
    AssessmentsModule,
    CtoExtensionsModule,
    ReferralsModule,
    RotaModule,
    SafeguardingModule,
    WorkforceModule,
    SupervisionModule,
  ],
  controllers: [NotificationsController, StreamController, WebhooksController],
  providers: [JobRunner, AlertJobs, StreamService, WebhooksService, WebhookDispatcher],
  exports: [JobRunner, NotificationsModule, WebhookDispatcher],
})
export class AlertsModule {}
