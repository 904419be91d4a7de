import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authorize, Public } from '../access/authorize.decorator';
import { CurrentActor, type ApiRequest } from '../common/http';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { ChangePasswordDto, LoginDto, MeDto, RefreshDto, TokenPairDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password; returns a short-lived access token and a refresh token.' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password, or the account is disabled.' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts; see Retry-After.' })
  login(@Body() dto: LoginDto, @Req() req: ApiRequest): Promise<TokenPairDto> {
    return this.auth.login(dto, req.ip);
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token (single use) for a new token pair.' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @Authorize('self.write')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke all of your refresh tokens.' })
  @ApiNoContentResponse()
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor);
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
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto, @Req() req: ApiRequest): Promise<void> {
    return this.auth.changePassword(actor, dto, req.ip);
  }
}
