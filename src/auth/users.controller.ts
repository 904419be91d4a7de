import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize } from '../access/authorize.decorator';
import { etagFor, type ExpectedVersion } from '../common/etag';
import { IfMatchVersion } from '../common/http';
import { Page } from '../common/pagination';
import { CreateUserDto, LookAlikeListDto, SetPasswordDto, UpdateUserDto, UserDto, UserPageDto, UserQuery } from './dto/user.dto';
import { UsersService } from './users.service';
import { ParseIdPipe } from '../common/validation';

@ApiTags('users')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @Authorize('users.read')
  @ApiOperation({ summary: 'List user accounts by email.' })
  @ApiOkResponse({ type: UserPageDto })
  list(@Query() q: UserQuery): Promise<Page<UserDto>> {
    return this.users.list(q);
  }

  @Get('look-alikes')
  @Authorize('users.read')
  @ApiOperation({
    summary:
      'Accounts whose emails look alike (invisible or formatting characters, case, accents, letters of other scripts drawn like Latin ones), in groups: a new account with such an address is refused, and signing in by one is refused while two of a group are active, so disable the one that should not be there. Audited.',
  })
  @ApiOkResponse({ type: LookAlikeListDto })
  async lookAlikes(): Promise<LookAlikeListDto> {
    return { items: await this.users.lookAlikeGroups() };
  }

  @Post()
  @Authorize('users.write')
  @ApiOperation({ summary: 'Create a user account.' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiCreatedResponse({ type: UserDto })
  async create(@Body() dto: CreateUserDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserDto> {
    const user = await this.users.create(dto);
    reply.header('etag', etagFor(user.version)).header('location', `/users/${user.id}`);
    return user;
  }

  @Get(':id')
  @Authorize('users.read')
  @ApiOperation({ summary: 'One user account (with its ETag).' })
  @ApiOkResponse({ type: UserDto })
  async get(@Param('id', new ParseIdPipe()) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<UserDto> {
    const user = await this.users.get(id);
    reply.header('etag', etagFor(user.version));
    return user;
  }

  @Patch(':id')
  @Authorize('users.write')
  @ApiOperation({ summary: "Change a user's name, roles, phone or active flag. Send If-Match to avoid overwriting a concurrent change." })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read; 412 if the user changed since.' })
  @ApiOkResponse({ type: UserDto })
  @ApiConflictResponse({ description: 'last-admin: the change would leave no active admin.' })
  async update(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: UpdateUserDto,
    @IfMatchVersion() version: ExpectedVersion,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserDto> {
    const user = await this.users.update(id, dto, version);
    reply.header('etag', etagFor(user.version));
    return user;
  }

  @Post(':id/password')
  @Authorize('users.write')
  @HttpCode(204)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: "Set a user's password (revokes their refresh tokens). Send If-Match to avoid overriding a concurrent change." })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read; 412 if the user changed since.' })
  @ApiNoContentResponse()
  setPassword(
    @Param('id', new ParseIdPipe()) id: string,
    @Body() dto: SetPasswordDto,
    @IfMatchVersion() version: number | undefined,
  ): Promise<void> {
    return this.users.setPassword(id, dto, version);
  }
}
