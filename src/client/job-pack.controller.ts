import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { JobPackDto } from './dto/job-pack.dto';
import { JobPackService } from './job-pack.service';

/** The duty AMHP's jobs, for her phone to keep (encrypted) for when the signal fails. */
@ApiTags('referrals')
@Controller('me/job-pack')
export class JobPackController {
  constructor(private readonly packs: JobPackService) {}

  @Get()
  @Authorize('job-pack.read')
  @ApiOperation({
    summary:
      'My job pack: each open referral allocated to me, with its clocks, the person, their relatives and nearest relative, and the newest assessment with its timeline and checklist; and when the phone must delete it (CLIENT_OFFLINE_HOURS).',
    description:
      'Every part is a read of that person’s record, audited in one transaction, on the basis the policy gives (the allocation). ' +
      'A job no longer allocated to me is not in the pack: the app replaces its stored pack with each one it reads, so such a job leaves the phone. ' +
      'At most 20 jobs, soonest deadline first. Never cached (Cache-Control: no-store).',
  })
  @ApiOkResponse({ type: JobPackDto })
  pack(@CurrentActor() actor: Actor): Promise<JobPackDto> {
    return this.packs.pack(actor);
  }
}
