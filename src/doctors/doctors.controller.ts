import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { IfMatchVersion } from '../common/http';
import { Page } from '../common/pagination';
import { DoctorsService } from './doctors.service';
import {
  ApprovalStatusDto,
  ApprovalStatusQuery,
  CreateDoctorApprovalDto,
  CreateDoctorDto,
  DoctorDto,
  DoctorPageDto,
  DoctorQuery,
  UpdateDoctorDto,
} from './dto/doctor.dto';
import { ParseIdPipe } from '../common/validation';

const IF_MATCH = { name: 'If-Match', required: false, description: 'ETag from a previous read; 412 if the doctor changed since.' };

@ApiTags('doctors')
@Controller('doctors')
export class DoctorsController {
  constructor(private readonly doctors: DoctorsService) {}

  @Get()
  @Authorize('doctors.read')
  @ApiOperation({
    summary: 'Search the register of s.12 doctors and approved clinicians by name or organisation, or by who was approved on a date.',
  })
  @ApiOkResponse({ type: DoctorPageDto })
  list(@Query() q: DoctorQuery): Promise<Page<DoctorDto>> {
    return this.doctors.list(q);
  }

  @Post()
  @Authorize('doctors.write')
  @ApiOperation({ summary: 'Add a doctor to the register, optionally with their approval periods.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: DoctorDto })
  async create(@Body() dto: CreateDoctorDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<DoctorDto> {
    const doctor = await this.doctors.create(dto);
    reply.header('etag', etagFor(doctor.version)).header('location', `/doctors/${doctor.id}`);
    return doctor;
  }

  @Get(':id')
  @Authorize('doctors.read')
  @ApiOperation({ summary: 'One doctor with their approvals (with its ETag).' })
  @ApiOkResponse({ type: DoctorDto })
  async get(@Param('id', new ParseIdPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<DoctorDto> {
    const doctor = await this.doctors.get(id);
    reply.header('etag', etagFor(doctor.version));
    return doctor;
  }

  @Patch(':id')
  @Authorize('doctors.write')
  @ApiOperation({
    summary: "Change a doctor's name, contact details, notes or active flag. Send If-Match to avoid overwriting a concurrent change.",
  })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: DoctorDto })
  async update(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateDoctorDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DoctorDto> {
    const doctor = await this.doctors.update(id, dto, version);
    reply.header('etag', etagFor(doctor.version));
    return doctor;
  }

  @Post(':id/approvals')
  @Authorize('doctors.write')
  @ApiOperation({ summary: 'Record a period of s.12 approval or approved-clinician status; answers with the doctor.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(IF_MATCH)
  @ApiCreatedResponse({ type: DoctorDto })
  async addApproval(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: CreateDoctorApprovalDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DoctorDto> {
    const doctor = await this.doctors.addApproval(id, dto, version);
    reply.header('etag', etagFor(doctor.version)).header('location', `/doctors/${doctor.id}`);
    return doctor;
  }

  @Delete(':id/approvals/:approvalId')
  @Authorize('doctors.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an approval period entered in error (audited).' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse()
  removeApproval(
    @Param('id', new ParseIdPipe()) id: string,
    @Param('approvalId', new ParseIdPipe()) approvalId: string,
    @IfMatchVersion() version: ExpectedVersion,
  ): Promise<void> {
    return this.doctors.removeApproval(id, approvalId, version);
  }

  @Get(':id/approval-status')
  @Authorize('doctors.read')
  @ApiOperation({
    summary: 'Was the doctor s.12-approved, or an approved clinician, on a date (e.g. the examination date; MHA s.12(2), (2A))?',
  })
  @ApiOkResponse({ type: ApprovalStatusDto })
  approvalStatus(@Param('id', new ParseIdPipe()) id: string, @Query() q: ApprovalStatusQuery): Promise<ApprovalStatusDto> {
    return this.doctors.approvalStatus(id, q.date);
  }
}
