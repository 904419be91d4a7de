import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { NotBlank, MinLength } from '../../common/validators';
import { ROLES, type Role } from '../roles';

export class LoginDto {
  @ApiProperty({ example: 'manager@demo.amhp-hub.local' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 1024 })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    description:
      'The refresh token. Required unless the request carries the refresh cookie set by a sign-in with ' +
      '`X-Requested-With: amhp-app` (the browser app), which then needs that header and a same-origin Origin.',
  })
  @IsOptional()
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 1024 })
  @IsString()
  @MinLength(12, { message: 'newPassword must be at least 12 characters long' })
  @MaxLength(1024)
  @NotBlank()
  newPassword: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires.' }) expiresIn: number;
  @ApiPropertyOptional({
    description:
      'Exchange at POST /auth/refresh for a new pair; single use. Absent when the request carried ' +
      '`X-Requested-With: amhp-app`: the token is then set as an HttpOnly, SameSite=Strict cookie for /auth/refresh only.',
  })
  refreshToken?: string;
  @ApiProperty({ format: 'date-time' }) refreshExpiresAt: string;
}

export class MeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty({ enum: ['local', 'oidc'] }) via: 'local' | 'oidc';
  @ApiPropertyOptional({ nullable: true, type: String }) phone: string | null;
}
