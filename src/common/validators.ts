import { ValidateBy, ValidationOptions } from 'class-validator';
import { isIsoDate } from '../statute/time';

export const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Query strings carry booleans as text. */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Present fields may not be null (they are NOT NULL columns); absent ones are left alone. */
export const present = (_: object, value: unknown) => value !== undefined;

/** A calendar date written YYYY-MM-DD that exists (no 30 February). */
export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLocalDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value),
        defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD`,
      },
    },
    options,
  );
}

/** Short lower-case tags such as `nearest-relative` or `least-restrictive`. */
export const TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;
