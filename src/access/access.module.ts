import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module';
import { WorkforceModule } from '../workforce/workforce.module';
import { AccessGuard } from './access.guard';
import { AccessService } from './access.service';
import { BreakGlassController, ReviewAlertsController } from './break-glass.controller';
import { BreakGlassService } from './break-glass.service';

@Global()
@Module({
  imports: [AuthModule, WorkforceModule],
  controllers: [BreakGlassController, ReviewAlertsController],
  providers: [AccessService, BreakGlassService, { provide: APP_GUARD, useClass: AccessGuard }],
  exports: [AccessService, BreakGlassService],
})
export class AccessModule {}
