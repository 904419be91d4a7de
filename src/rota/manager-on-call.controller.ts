import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { PeriodQuery } from './dto/rota.dto';
import { CreateManagerOnCallDto, ManagerOnCallDto, ManagerOnCallListDto } from './dto/manager-on-call.dto';
import { ManagerOnCallService } from './manager-on-call.service';
import { ParseIdPipe } from '../common/validation';

/** Who is the manager on call, period by period: the last step of the escalation chains (DUTY-03). */
@ApiTags('rota')
@Controller('rota/manager-on-call')
export class ManagerOnCallController {
  constructor(private readonly onCall: ManagerOnCallService) {}

  @Get()
  @Authorize('rota.read')
  @ApiOperation({ summary: 'The managers on call in a period, in order.' })
  @ApiOkResponse({ type: ManagerOnCallListDto })
  async list(@Query() q: PeriodQuery): Promise<ManagerOnCallListDto> {
    return { items: await this.onCall.list(new Date(q.from), new Date(q.to)) };
  }

  @Post()
  @Authorize('rota.write')
  @ApiOperation({
    summary:
      'Put a manager on call for a period (at most 14 days; one manager at a time: 409 when it overlaps another; from now on only: a period already over, or starting before now, is 422 on-call-past naming endsAt or startsAt). Escalations and the handover page go to them; with nobody on call, to every manager.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: ManagerOnCallDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateManagerOnCallDto): Promise<ManagerOnCallDto> {
    return this.onCall.create(actor, body);
  }

  @Delete(':id')
  @Authorize('rota.write')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Remove a manager-on-call period not yet started; one in progress ends now, the part served kept; one served is history (409 on-call-served, ROTA-WORKED).',
  })
  @ApiNoContentResponse()
  async remove(@Param('id', new ParseIdPipe()) id: string): Promise<void> {
    await this.onCall.remove(id);
  }
}
