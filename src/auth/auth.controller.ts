import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiForbiddenResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authorize, Public } from '../access/authorize.decorator';
import { Clock } from '../common/clock';
import { BadRequestProblem } from '../common/problem';
import { CurrentActor, type ApiRequest } from '../common/http';
import { ResponseNeverStored } from '../idempotency/idempotency.interceptor';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, MeDto, RefreshDto, TokenPairDto } from './dto/auth.dto';
import {
  APP_CLIENT_VALUE,
  assertSameOriginApp,
  clearRefreshCookie,
  refreshCookieFrom,
  setRefreshCookie,
  wantsCookie,
} from './refresh-cookie';

const APP_HEADER = {
  name: 'X-Requested-With',
  required: false,
  description: `\`${APP_CLIENT_VALUE}\` (the browser app): the refresh token travels as an HttpOnly cookie, not in the body.`,
};

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly clock: Clock,
  ) {}

  /** For the app, the refresh token leaves the body for an HttpOnly cookie that script never sees. */
  private deliver(req: ApiRequest, reply: FastifyReply, pair: TokenPairDto): TokenPairDto {
    if (!wantsCookie(req.headers)) return pair;
    const { refreshToken, ...rest } = pair;
    setRefreshCookie(req, reply, refreshToken!, new Date(pair.refreshExpiresAt), this.clock.now());
    return rest;
  }

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a short-lived access token and a refresh token.' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password, or the account is disabled.' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After.' })
  @ApiHeader(APP_HEADER)
  async login(@Body() dto: LoginDto, @Req() req: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairDto> {
    return this.deliver(req, reply, await this.auth.login(dto, req.ip));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Exchange a refresh token (single use) for a new token pair: from the body, or from the app's refresh cookie " +
      '(then X-Requested-With: amhp-app and a same-origin request are required, else 403 csrf-refused).',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiForbiddenResponse({ description: 'A cookie refresh without the app header, or from another origin.' })
  @ApiHeader(APP_HEADER)
  async refresh(@Body() dto: RefreshDto, @Req() req: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenPairDto> {
    if (dto.refreshToken !== undefined) return this.auth.refresh(dto.refreshToken);
    const fromCookie = refreshCookieFrom(req.headers);
    if (fromCookie === undefined) {
      throw new BadRequestProblem('refreshToken is required (or the refresh cookie the app is given at sign-in).', [
        { field: 'refreshToken', messages: ['refreshToken should not be empty'] },
      ]);
    }
    assertSameOriginApp(req);
    try {
      return this.deliver(req, reply, await this.auth.refresh(fromCookie));
    } catch (err) {
      clearRefreshCookie(req, reply); // a dead token: the app signs in again, and the browser forgets it
      throw err;
    }
  }

  @Post('logout')
  @Authorize('self.write')
  @HttpCode(204)
  @ApiOperation({ summary: "Revoke all of your refresh tokens (and clear the app's refresh cookie)." })
  @ApiNoContentResponse()
  async logout(@CurrentActor() actor: Actor, @Req() req: ApiRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.auth.logout(actor);
    clearRefreshCookie(req, reply);
  }

  @Get('me')
  @Authorize('self.read')
  @ApiOperation({ summary: 'Who you are signed in as, with your roles.' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentActor() actor: Actor): Promise<MeDto> {
    return this.auth.me(actor);
  }

  @Post('me/password')
  @Authorize('self.write')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Change your own password (revokes your refresh tokens). Wrong current passwords are throttled as sign-in is.',
  })
  @ApiNoContentResponse()
  @ApiTooManyRequestsResponse({ description: 'Too many wrong current passwords; see Retry-After.' })
  @ApiConflictResponse({ description: 'Another change of your password won at the same time (concurrent-update): this one was not made.' })
  // Run inside the idempotency store's transaction, a wrong guess would be rolled back with the 403 and never counted.
  @ResponseNeverStored(
    'each wrong current password must count against the sign-in throttle. A retry after a lost reply is safe: once the new password holds, the old one is refused (403).',
  )
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto, @Req() req: ApiRequest): Promise<void> {
    return this.auth.changePassword(actor, dto, req.ip);
  }
}
