import { queryBoolean } from '../common/validators';
import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { Page, PageQuery } from '../common/pagination';
import { NotificationsService, NotificationView } from './notifications.service';
import { Revalidated } from '../common/conditional-get';
import { ParseIdPipe } from '../common/validation';
import { PAGE_CLOSED_REASONS } from '../pages/pages.service';

export class NotificationQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Only notifications not yet read (nor closed by the service).' })
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  unread?: boolean;
}

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({
    description:
      'e.g. clock.warning, clock.breached, offer.received (a referral offered to you), offer.escalated, referral.further (a further referral of the person of your referral), handover.escalated.',
  })
  kind: string;
  @ApiProperty({ enum: ['info', 'warning', 'urgent'] }) severity: string;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) body: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The API path of the subject, e.g. /referrals/{id}.' }) link: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectType: string | null;
  @ApiProperty({ nullable: true, type: String }) subjectId: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) readAt: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When the service closed it: what it told of is no longer yours to act on (see closedReason). Not unread once closed.',
  })
  closedAt: string | null;
  @ApiProperty({
    nullable: true,
    enum: PAGE_CLOSED_REASONS,
    type: String,
    description:
      "Why the service closed it: the child held at a police station was moved to a place of safety that is not one (left-police-station, POL-09), or the date of birth on record shows the person is not under 18 after all (not-under-18, POL-09); the job was reallocated away from you, or the time limit moved (deadline-moved: a s.136B extension, or a time corrected earlier or later: you are told again by the new end) (a clock warning or breach), or the offer was accepted by another AMHP, allocated by a manager, ended with the referral, or withdrawn as you may not act as an AMHP now, or the job was offered again (offered-again: a new offer to you replaces the earlier one; or the job nobody accepted was offered afresh); the AMHP's statement on extending a CTO that was due was made (statement-made, CTO-04), or the request for it was withdrawn (request-withdrawn, CTO-04).",
  })
  closedReason: string | null;
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class ReadAllDto {
  @ApiProperty({ description: 'How many were marked read.' }) count: number;
}

@ApiTags('notifications')
@Controller('me/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authorize('notifications.read')
  @Revalidated()
  @ApiOperation({ summary: 'My notifications, newest first; `unread=true` for those not yet read.' })
  @ApiOkResponse({ type: NotificationPageDto })
  list(@CurrentActor() actor: Actor, @Query() q: NotificationQuery): Promise<Page<NotificationView>> {
    return this.notifications.list(actor, q);
  }

  @Post('read-all')
  @Authorize('notifications.read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks all my unread notifications read.' })
  @ApiOkResponse({ type: ReadAllDto })
  readAll(@CurrentActor() actor: Actor): Promise<{ count: number }> {
    return this.notifications.markAllRead(actor);
  }

  @Post(':id/read')
  @Authorize('notifications.read')
  @HttpCode(200)
  @ApiOperation({ summary: "Marks one of my notifications read (404 for anyone else's)." })
  @ApiOkResponse({ type: NotificationDto })
  read(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<NotificationView> {
    return this.notifications.markRead(actor, id);
  }
}
