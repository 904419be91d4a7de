import { NotBlank, queryBoolean, trim, MinLength, UnambiguousEmail } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { ROLES, type Role } from '../roles';

const lower = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class CreateUserDto {
  @ApiProperty({
    example: 'a.amhp@council.gov.uk',
    description:
      "Kept in lower case. Refused (400): invisible or formatting characters, text not in its composed form (NFKC), a non-ASCII domain (give it as xn--), a local part mixing scripts or with non-ASCII symbols. 409 email-taken: the address, or one a reader cannot tell from it (look-alike letters of another script, 1 for l), is held by an account. 409 email-look-alike: it reads as a registered doctor's address but is not the same (the same address is kept: a doctor who also holds an account).",
  })
  @Transform(lower)
  @IsEmail()
  @UnambiguousEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles: Role[];

  @ApiPropertyOptional({ minLength: 12, maxLength: 1024, description: 'Omit for users who sign in through the identity provider.' })
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters long' })
  @MaxLength(1024)
  @NotBlank()
  password?: string;

  @ApiPropertyOptional({ example: '+44 7700 900123' })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{6,30}$/, { message: 'phone must be a telephone number' })
  phone?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ()-]{6,30}$/, { message: 'phone must be a telephone number' })
  phone?: string;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: 12, maxLength: 1024 })
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters long' })
  @MaxLength(1024)
  @NotBlank()
  password: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOptional()
  @Transform(queryBoolean)
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ description: 'Matches the start of the email or display name.', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() email: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles: Role[];
  @ApiProperty() active: boolean;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
  @ApiProperty() hasPassword: boolean;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
}

export class UserPageDto {
  @ApiProperty({ type: [UserDto] }) items: UserDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** An account in a group of look-alikes, with what is unusual about its address. */
export class LookAlikeAccountDto extends UserDto {
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why this address could be taken for another (invisible or formatting characters, not composed, mixed scripts, a non-ASCII domain), as a new address with it would be refused; null for an address that is plain in itself.',
  })
  emailFault: string | null;
}

export class LookAlikeGroupDto {
  @ApiProperty({ description: 'The form the addresses share once what a reader cannot see or tell apart is taken out.' })
  lookAlikeForm: string;
  @ApiProperty({
    description: 'Two or more of the accounts are active: signing in by any of their addresses is refused until one is left.',
  })
  signInRefused: boolean;
  @ApiProperty({ type: [LookAlikeAccountDto], description: 'The accounts, oldest first.' }) accounts: LookAlikeAccountDto[];
}

export class LookAlikeListDto {
  @ApiProperty({ type: [LookAlikeGroupDto] }) items: LookAlikeGroupDto[];
}
