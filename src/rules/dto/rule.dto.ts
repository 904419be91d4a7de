import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { REGIMES, ruleFamilies, type RuleSeverity } from '../../statute/rule-catalogue';

const REGIME_IDS = Object.keys(REGIMES);
const SEVERITIES: RuleSeverity[] = ['blocker', 'warning', 'info'];

export class RuleQuery {
  @ApiPropertyOptional({ enum: ruleFamilies(), description: 'Only this family (the part of the id before the hyphen), e.g. APP.' })
  @IsOptional()
  @IsIn(ruleFamilies())
  family?: string;

  @ApiPropertyOptional({ enum: REGIME_IDS, description: 'Only rules of this body of law or policy.' })
  @IsOptional()
  @IsIn(REGIME_IDS)
  regime?: string;
}

export class RuleDto {
  @ApiProperty({ example: 'APP-04', description: 'The rule id findings, warnings, blockers, clocks and deadlines carry.' }) id: string;
  @ApiProperty({ example: 'APP', description: 'The part of the id before the hyphen.' }) family: string;
  @ApiProperty({ example: 'MHA 1983 s.11(5)', description: 'The Act section, regulation or Code of Practice paragraph.' })
  citation: string;
  @ApiProperty({ description: 'What the rule asks, in one line.' }) summary: string;
  @ApiProperty({
    enum: SEVERITIES,
    description:
      'At its worst: blocker (can refuse the action), warning (warns or needs an acknowledgement), info (deadline or record only).',
  })
  severity: string;
  @ApiProperty({ enum: REGIME_IDS }) regime: string;
  @ApiProperty({ description: 'The regime in words.' }) regimeName: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: null,
    description:
      'MHA 2025 amendments: the configuration variable that sets the date the rule applies from (unset: not commenced). Null otherwise.',
  })
  commencement: string | null;
}

export class RuleListDto {
  @ApiProperty({ type: [RuleDto], description: 'The whole catalogue (or the filtered part), in catalogue order; not paged.' })
  items: RuleDto[];
}
