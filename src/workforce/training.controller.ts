import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../access/authorize.decorator';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../common/http';
import { CreateTrainingDto, TrainingRecordDto, TrainingShortfallListDto, TrainingSummaryDto } from './dto/training.dto';
import { TrainingService } from './training.service';
import { ParseIdPipe } from '../common/validation';

@ApiTags('workforce')
@Controller()
export class TrainingController {
  constructor(private readonly training: TrainingService) {}

  @Post('practitioners/:id/training')
  @Authorize('practitioners.write')
  @ApiOperation({ summary: 'Record refresher training (hours, provider, topic, mental-health specific).' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: TrainingRecordDto })
  add(
    @CurrentActor() actor: Actor,
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateTrainingDto,
  ): Promise<TrainingRecordDto> {
    return this.training.add(actor, id, dto);
  }

  @Get('practitioners/:id/training')
  @Authorize('practitioners.read')
  @ApiOperation({ summary: 'Training records and compliance for each year of each approval (AMHP-06).' })
  @ApiOkResponse({ type: TrainingSummaryDto })
  summary(@CurrentActor() actor: Actor, @Param('id', new ParseIdPipe()) id: string): Promise<TrainingSummaryDto> {
    return this.training.summary(actor, id);
  }

  @Delete('training-records/:recordId')
  @Authorize('practitioners.write')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a training record entered in error: kept on her record as removed (AMHP-09), counted in no year (AMHP-06); audited.',
  })
  @ApiNoContentResponse()
  remove(@CurrentActor() actor: Actor, @Param('recordId', new ParseIdPipe()) recordId: string): Promise<void> {
    return this.training.remove(actor, recordId);
  }

  @Get('training/shortfalls')
  @Authorize('practitioners.write')
  @ApiOperation({ summary: 'Who is short of training hours in the current or just-completed approval year, by how much and by when.' })
  @ApiOkResponse({ type: TrainingShortfallListDto })
  async shortfalls(): Promise<TrainingShortfallListDto> {
    return { items: await this.training.shortfalls() };
  }
}
