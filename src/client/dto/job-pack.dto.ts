import { ApiProperty } from '@nestjs/swagger';
import { AssessmentViewDto, ChecksDto } from '../../assessments/dto/assessment.dto';
import { CtoExtensionDetailDto } from '../../cto-extensions/dto/cto-extension.dto';
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

/**
 * An assessment the caller attends as a co-AMHP named by its lead (`otherAmhpUserIds`): what the service lets her read
 * of it (the assessment, with the person's identifiers, and its checklist), never the referral or the person's record,
 * which are the allocated AMHP's. She records nothing on it (changes are the lead's, person.write).
 */
export class JobPackAssistingDto {
  @ApiProperty({ type: AssessmentViewDto, description: 'As GET /assessments/{id} answers.' }) assessment: AssessmentViewDto;
  @ApiProperty({ type: ChecksDto, description: 'As GET /assessments/{id}/checks answers.' }) checks: ChecksDto;
}

/**
 * A request allocated to the caller for her statement on extending a CTO (CTO-04, s.20A(8)), not yet made: the request
 * and its patient, so that she can read it and write the statement where there is no signal (sent when there is one).
 */
export class JobPackCtoRequestDto {
  @ApiProperty({ type: CtoExtensionDetailDto, description: 'As GET /cto-extensions/{id} answers.' }) request: CtoExtensionDetailDto;
  @ApiProperty({ type: PersonDto, description: 'As GET /people/{personId} answers.' }) person: PersonDto;
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
  @ApiProperty({
    type: [JobPackAssistingDto],
    description: 'The open assessments the caller attends as a co-AMHP (named by the lead in otherAmhpUserIds), newest first.',
  })
  assisting: JobPackAssistingDto[];
  @ApiProperty({
    type: [JobPackCtoRequestDto],
    description:
      'The requests allocated to the caller for her CTO extension statement (CTO-04), not yet made, not withdrawn and not lapsed, soonest to expire first.',
  })
  ctoRequests: JobPackCtoRequestDto[];
}
