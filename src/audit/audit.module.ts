import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditVerificationsService } from './audit-verifications.service';
import { AuditService } from './audit.service';

@Global()
@Module({ controllers: [AuditController], providers: [AuditService, AuditVerificationsService], exports: [AuditService] })
export class AuditModule {}
