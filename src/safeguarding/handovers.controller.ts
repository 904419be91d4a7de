import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { trim } from '../common/validators';
import { HandoversService, HandoverView } from './handovers.service';
import { ParseDatePipe, ParseIdPipe } from '../common/validation';

export class HandoverAcknowledgementDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'What the day team will do.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class HandoverItemDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['decision', 'referral', 'assessment', 'rota-note', 'action'] }) itemType: string;
  @ApiProperty({ format: 'uuid' }) itemId: string;
  @ApiProperty({ type: Object, description: 'Ids, codes, times and short handover notes: open the item itself for its detail.' })
  summary: Record<string, unknown>;
  @ApiProperty({ format: 'date' }) firstHandedOverOn: string;
  @ApiProperty({ description: 'Left unacknowledged on an earlier handover.' }) carriedOver: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) acknowledgedAt: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) acknowledgedBy: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The acknowledging manager's note; null too where the item's content is withheld from the reader (`summary.contentWithheld`), as it speaks of that content.",
  })
  acknowledgementNote: string | null;
}

export class HandoverCountsDto {
  @ApiProperty() total: number;
  @ApiProperty() open: number;
  @ApiProperty() carriedOver: number;
}

export class HandoverDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date' }) date: string;
  @ApiProperty({
    format: 'date-time',
    description:
      "The period covered starts here: the previous handover's compilation (the first handover: HANDOVER_TIME the day before). Never after this date's HANDOVER_TIME.",
  })
  periodFrom: string;
  @ApiProperty({ format: 'date-time', description: 'The period covered ends here, excluded: its compilation (compiledAt).' })
  periodTo: string;
  @ApiProperty({ format: 'date-time', description: 'When it was compiled, once; reads never change it.' }) compiledAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Null: compiled by the scheduled job.' }) compiledBy:
    string | null;
  @ApiProperty({ type: [HandoverItemDto], description: 'Open items first, oldest first.' }) items: HandoverItemDto[];
  @ApiProperty({ type: HandoverCountsDto }) counts: HandoverCountsDto;
}

@ApiTags('handovers')
@Controller('handovers')
export class HandoversController {
  constructor(private readonly handovers: HandoversService) {}

  @Get(':date')
  @Authorize('handovers.read')
  @ApiOperation({
    summary:
      "The morning handover for a local date: decisions signed since the last handover with their actions, open referrals and running clocks, assessments in progress, rota notes from the night, actions due, and everything left unacknowledged before. Compiled once, as a snapshot, by the scheduled job at HANDOVER_TIME (local time) or earlier by a manager; later changes to what it lists never alter it, only acknowledgements do. Reading writes nothing but the audit record, and a date never compiled is 404. A decision's content (question, decision, handover note, actions) is shown only to its author and managers; others see its ids, codes and times (`contentWithheld`), and not the acknowledgement note on it either; a note on an item about a person shows only to those who may read that person.",
  })
  @ApiOkResponse({ type: HandoverDto })
  get(@CurrentActor() actor: Actor, @Param('date', new ParseDatePipe()) date: string): Promise<HandoverView> {
    return this.handovers.get(actor, date);
  }

  @Post(':date/compile')
  @Authorize('handovers.compile')
  @ApiOperation({
    summary:
      "A manager compiles today's handover before the scheduled job does at HANDOVER_TIME (local time): the period runs from the previous handover's compilation to now, and what it lists is stored as it is now. Once only: 409 (naming compiledAt) when the date is already compiled, by the job or another manager; 422 for a date still to come, or one that passed uncompiled (its night is on the next handover).",
  })
  @ApiCreatedResponse({ type: HandoverDto })
  compile(@CurrentActor() actor: Actor, @Param('date', new ParseDatePipe()) date: string): Promise<HandoverView> {
    return this.handovers.compile(actor, date);
  }

  @Post(':date/items/:itemId/acknowledgement')
  @Authorize('handovers.acknowledge')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'A day-team manager acknowledges an item (who, when); acknowledged once, 409 after. Never an item from her own decision (the decision or an action it set): 403 own-record, another manager must (AMHP-12).',
  })
  @ApiOkResponse({ type: HandoverDto })
  acknowledge(
    @CurrentActor() actor: Actor,
    @Param('date', new ParseDatePipe()) date: string,
    @Param('itemId', new ParseIdPipe()) itemId: string,
    @Body() dto: HandoverAcknowledgementDto,
  ): Promise<HandoverView> {
    return this.handovers.acknowledge(actor, date, itemId, dto.note);
  }
}
