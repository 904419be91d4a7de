import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { DoctorsController } from './doctors.controller';
import { DoctorsService } from './doctors.service';

/** The register of s.12-approved doctors and approved clinicians; other modules ask DoctorsService.approvalsOn. */
@Module({
  imports: [AuthModule],
  controllers: [DoctorsController],
  providers: [DoctorsService],
  exports: [DoctorsService],
})
export class DoctorsModule {}
