import { ApiProperty } from '@nestjs/swagger';
import { AssessmentViewDto, ChecksDto } from '../../assessments/dto/assessment.dto';
import { PersonDto } from '../../people/dto/person.dto';
import { NearestRelativeDto, RelativeDto } from '../../people/dto/relative.dto';
import { ReferralDto } from '../../referrals/dto/referral.dto';

/** One allocated job as the phone keeps it: each part is what the matching GET answers. */
export class JobPackJobDto {
  @ApiProperty({ type: ReferralDto, description: 'As GET /referrals/{id} answers.' }) referral: ReferralDto;
  @ApiProperty({ type: PersonDto, description: 'As GET /people/{personId} answers.' }) person: PersonDto;
  @ApiProperty({ type: [RelativeDto], description: 'The items GET /people/{personId}/relatives answers.' }) relatives: RelativeDto[];
  @ApiProperty({ type: NearestRelativeDto, description: 'As GET /people/{personId}/nearest-relative answers (today).' })
  nearestRelative: NearestRelativeDto;
  @ApiProperty({
    type: AssessmentViewDto,
    nullable: true,
    description: 'The newest assessment of the referral the caller may read, as GET /assessments/{id} answers; null before one is opened.',
  })
  assessment: AssessmentViewDto | null;
  @ApiProperty({
    type: ChecksDto,
    nullable: true,
    description: 'The live checklist of that assessment as GET /assessments/{id}/checks answers; null when there is none or it is closed.',
  })
  checks: ChecksDto | null;
}

export class JobPackDto {
  @ApiProperty({ format: 'date-time', description: 'The service’s time when the pack was read: what the phone shows "as of".' })
  generatedAt: string;
  @ApiProperty({
    format: 'date-time',
    description: 'The phone deletes the pack at this time (CLIENT_OFFLINE_HOURS after generatedAt) unless a newer pack replaces it.',
  })
  expiresAt: string;
  @ApiProperty({ example: 'Sat 21 Nov 2026 22:00 GMT', description: 'expiresAt in the hub’s local time, with its zone.' })
  expiresAtLocal: string;
  @ApiProperty({
    type: [JobPackJobDto],
    description: 'The caller’s open allocated jobs, soonest deadline first: a job no longer allocated to the caller is not here.',
  })
  jobs: JobPackJobDto[];
}
