import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from './access/access.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { Clock, SystemClock } from './common/clock';
import { ProblemFilter } from './common/problem.filter';
import { AppConfig } from './config/app-config';
import { DatabaseModule } from './database/database.module';
import { CtoExtensionsModule } from './cto-extensions/cto-extensions.module';
import { DoctorsModule } from './doctors/doctors.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { pinoHttpOptions, rootLogger } from './ops/logging';
import { OpsModule } from './ops/ops.module';
import { PagesModule } from './pages/pages.module';
import { DemoHistory } from './seed/demo-history';
import { DemoSeed } from './seed/demo-seed';
import { DemoAssessments } from './seed/demo-assessments';
import { DemoReferrals } from './seed/demo-referrals';
import { DemoSafeguarding } from './seed/demo-safeguarding';
import { DemoRota } from './seed/demo-rota';
import { DemoSupervision } from './seed/demo-supervision';
import { DemoWorkforce } from './seed/demo-workforce';
import { SupervisionModule } from './supervision/supervision.module';
import { WorkforceModule } from './workforce/workforce.module';
import { EventsModule } from './events/events.module';
import { RotaModule } from './rota/rota.module';
import { ReferralsModule } from './referrals/referrals.module';
import { AssessmentsModule } from './assessments/assessments.module';
import { SafeguardingModule } from './safeguarding/safeguarding.module';
import { CalendarModule } from './rota/calendar.module';
import { LeaveSwapsModule } from './rota/leave-swaps.module';
import { PlannerModule } from './rota/planner.module';
import { PeopleModule } from './people/people.module';
import { RulesModule } from './rules/rules.module';
import { ReportsModule } from './reports/reports.module';
import { JobPackModule } from './client/job-pack.module';

export interface AppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Tests and benches pass a ManualClock. */
  clock?: Clock;
  /** Extra modules (tests mount probe controllers this way). */
  imports?: DynamicModule['imports'];
  /** Scheduled jobs are off in tests, which call jobs directly with a moved clock. */
  schedule?: boolean;
}

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

@Global()
@Module({})
class CoreModule {
  static forRoot(options: AppOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: AppConfig, useValue: options.config },
      options.clock ? { provide: Clock, useValue: options.clock } : { provide: Clock, useClass: SystemClock },
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

@Module({})
export class AppModule {
  static forRoot(options: AppOptions): DynamicModule {
    const logger = rootLogger(options.config);
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(options),
        // Nest's logger is pino's; no per-request middleware (forRoutes: none): requests are logged by bootstrap's
        // onResponse hook, and a line logged while a request is served gets its id from the request context
        // (rootLogger's mixin). The middleware cost every request a middleware run, a query parse and a child logger.
        LoggerModule.forRoot({ pinoHttp: pinoHttpOptions(logger), forRoutes: [] }),
        DatabaseModule.forRoot(options.databaseUrl),
        ...(options.schedule === false ? [] : [ScheduleModule.forRoot()]),
        AuditModule,
        AuthModule,
        AccessModule,
        IdempotencyModule,
        OpsModule,
        WorkforceModule,
        EventsModule,
        PagesModule,
        RotaModule,
        ReferralsModule,
        AssessmentsModule,
        SafeguardingModule,
        CalendarModule,
        LeaveSwapsModule,
        PlannerModule,
        DoctorsModule,
        SupervisionModule,
        PeopleModule,
        AlertsModule,
        RulesModule,
        ReportsModule,
        JobPackModule,
        CtoExtensionsModule,
        ...(options.imports ?? []),
      ],
      providers: [
        // No global interceptor: the request context is entered in a Fastify hook and the idempotency interceptor is
        // attached to the POST handlers alone (createApp in bootstrap.ts), so a GET runs without Nest's interceptor
        // pipeline.
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: ROOT_LOGGER, useValue: logger },
        DemoSeed,
        DemoHistory,
        DemoWorkforce,
        DemoRota,
        DemoReferrals,
        DemoAssessments,
        DemoSafeguarding,
        DemoSupervision,
      ],
    };
  }
}
