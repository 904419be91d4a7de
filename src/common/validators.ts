import { Type } from 'class-transformer';
import { ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { isIsoDate } from '../statute/time';
import { canonicalName, emailAddressFault, isBlankText, trimInvisible, VISIBLE_CHARACTER, visibleLength } from '../statute/visible-text';

/**
 * A text field's value from its first to its last character that shows (trimInvisible: spaces and invisible
 * characters such as zero-width spaces, bidirectional marks and soft hyphens are taken off its ends); a list of
 * texts has each item trimmed so. Text that shows nothing becomes '' and is refused by the blank policy
 * (validation.ts).
 */
export const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string'
    ? trimInvisible(value)
    : Array.isArray(value)
      ? value.map((item: unknown) => (typeof item === 'string' ? trimInvisible(item) : item))
      : value;

/**
 * A name of a person (the patient, a relative, a nominated person, an acting nearest relative), and a name searched
 * for, as canonicalName makes it: invisible characters out, composed, spaces folded. Every name is stored and looked
 * for in this one form, so names that look alike are one name (DUTY-02's match, the person search, s.26 ranking).
 */
export const personName = ({ value }: { value: unknown }) => (typeof value === 'string' ? canonicalName(value) : value);

/** One character that shows (visible-text.ts): what a text must have somewhere not to be blank. */
export { VISIBLE_CHARACTER };

/** Whether `value` is text that shows nothing (only spaces and invisible characters), or empty. */
export const isBlank = (value: unknown): boolean => typeof value === 'string' && isBlankText(value);

/**
 * At least `min` characters that a reader sees (visibleLength: the shown characters and the spaces between them),
 * so a minimum such as a break-glass reason's 20 characters cannot be met with invisible ones. Use it for every
 * minimum length of text, instead of class-validator's, which counts UTF-16 code units, invisible ones included.
 */
export function MinLength(min: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'minLength',
      constraints: [min],
      validator: {
        validate: (value: unknown) => typeof value === 'string' && visibleLength(value) >= min,
        defaultMessage: (args) => `${args?.property} must be longer than or equal to ${min} characters`,
      },
    },
    options,
  );
}

/**
 * For a field whose value must be kept exactly as sent, so it cannot be trimmed (a password): refuses one made only
 * of spaces and invisible characters (tabs, no-break spaces, zero-width spaces), which anyone can type, with the
 * blank policy's message (validation.ts). A value with something visible in it is left as it is, its spaces included.
 */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !isBlank(value),
        defaultMessage: (args) => `${args?.property} must not be blank (only spaces or invisible characters)`,
      },
    },
    options,
  );
}

/**
 * An email address that cannot be taken for another (emailAddressFault: no invisible or formatting characters, one
 * composed form, an ASCII domain, one script in the local part): with IsEmail on every address that names someone (a
 * user's account, a doctor on the register), so look-alike addresses are refused, 400 naming the field.
 */
export function UnambiguousEmail(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'unambiguousEmail',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || emailAddressFault(value) === null,
        defaultMessage: (args) => `${args?.property} ${emailAddressFault(String(args?.value)) ?? 'must be an email address'}`,
      },
    },
    options,
  );
}

/** Query strings carry booleans as text. */
export const queryBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/** Present fields may not be null (they are NOT NULL columns); absent ones are left alone. */
export const present = (_: object, value: unknown) => value !== undefined;

/** A calendar date written YYYY-MM-DD that exists (no 30 February). */
/**
 * The years a date or time a person gives can fall in (a date of birth, an event, a period): wider than any record
 * needs, narrow enough that a mistyped year (1000, 9999) is refused as the field's error rather than stored.
 */
export const FIRST_INPUT_YEAR = 1800;
export const LAST_INPUT_YEAR = 2199;

const inInputYears = (isoDate: string) => {
  const year = Number(isoDate.slice(0, 4));
  return year >= FIRST_INPUT_YEAR && year <= LAST_INPUT_YEAR;
};

export function IsLocalDate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLocalDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value) && inInputYears(value),
        defaultMessage: (args) => `${args?.property} must be a date YYYY-MM-DD in the years ${FIRST_INPUT_YEAR} to ${LAST_INPUT_YEAR}`,
      },
    },
    options,
  );
}

/** Short lower-case tags such as `nearest-relative` or `least-restrictive`. */
export const TAG = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * An instant written as ISO 8601 date and time WITH its offset: `Z` or `±hh:mm` (seconds and fractions optional).
 * A local time with no offset ("2026-08-01T02:10") names no instant (it would be read as UTC, an hour out in summer),
 * so it is refused (400 naming the field), never guessed.
 */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether `value` is an instant with its offset (INSTANT_PATTERN) that exists: no 30 February, no 25:00, no +24:00. */
export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !INSTANT_PATTERN.test(value)) return false;
  const [date, time] = value.split('T');
  if (!isIsoDate(date) || !inInputYears(date)) return false;
  const [hh, mm, ss = '0'] = time.replace(/(Z|[+-]\d{2}:\d{2})$/, '').split(':');
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(time);
  if (Number(hh) > 23 || Number(mm) > 59 || Number(ss) >= 60) return false;
  if (offset && (Number(offset[2]) > 23 || Number(offset[3]) > 59)) return false;
  return !Number.isNaN(Date.parse(value));
}

/**
 * The one validator of every instant (date-time) field and query parameter: `isInstant`. The OpenAPI schema states
 * its format and pattern (openapi-contract.ts). Local calendar dates use IsLocalDate instead.
 */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isInstant',
      validator: {
        validate: (value: unknown) => isInstant(value),
        defaultMessage: (args) =>
          `${args?.property} must be a date and time with its offset, Z or ±hh:mm (e.g. 2026-08-01T02:10:00+01:00), in the years ${FIRST_INPUT_YEAR} to ${LAST_INPUT_YEAR}`,
      },
    },
    options,
  );
}

/**
 * At most `places` decimal places, for any finite number however it is written (`1e-7`, `2.5e1`). Use it instead
 * of class-validator's `IsNumber({ maxDecimalPlaces })`, which reads the places off `String(value)` and throws (a 500)
 * on exponent notation.
 */
export function hasAtMostDecimalPlaces(value: number, places: number): boolean {
  if (!Number.isFinite(value)) return false;
  const scaled = value * 10 ** places;
  return Math.abs(scaled - Math.round(scaled)) <= Math.abs(scaled) * Number.EPSILON * 4;
}

export function MaxDecimalPlaces(places: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxDecimalPlaces',
      constraints: [places],
      validator: {
        validate: (value: unknown) => typeof value === 'number' && hasAtMostDecimalPlaces(value, places),
        defaultMessage: (args) => `${args?.property} must be a number with at most ${places} decimal place${places === 1 ? '' : 's'}`,
      },
    },
    options,
  );
}

/** A JSON object (not an array, not null): what a nested DTO must be before its own rules can run. */
const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A nested DTO, or with `{ each: true }` a list of them: the value (each item) must be a JSON object, then it is
 * built as `type()` and validated. Use it for every nested object instead of `@ValidateNested() @Type(...)`, which
 * skip an absent value and an item that is itself an array (`[[]]` passed, with none of the item's rules run).
 * Absent is refused (`<field> is required`) unless the property is also `@IsOptional()`.
 */
export function Nested(type: () => new () => object, options: { each?: boolean } = {}): PropertyDecorator {
  const each = options.each === true;
  const decorators: PropertyDecorator[] = [
    ValidateBy({
      name: 'isNestedObject',
      validator: {
        validate: (value: unknown) => (each ? Array.isArray(value) && value.every(isPlainObject) : isPlainObject(value)),
        defaultMessage: (args) => {
          const property = args?.property ?? 'value';
          if (args?.value === undefined) return `${property} is required`;
          if (!each) return `${property} must be an object`;
          if (!Array.isArray(args.value)) return `${property} must be an array of objects`;
          const bad = (args.value as unknown[]).findIndex((item) => !isPlainObject(item));
          return `${property}.${bad} must be an object`;
        },
      },
    }),
    ValidateNested({ each }),
    Type(type),
  ];
  return (target, key) => decorators.forEach((d) => d(target, key));
}

/**
 * A length of time in hours, to the minute: a number greater than 0 and at most `maxHours`, whose minutes (hours × 60)
 * are a whole number (7.5 is 7 h 30 min; 6 h 20 min is 6.3333…, read to the nearest half second). What each check
 * refused is said in the field's message.
 */
export function IsHoursToTheMinute(maxHours: number, options?: ValidationOptions): PropertyDecorator {
  const problem = (value: unknown): string | null => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number of hours, to the minute (7.5 for 7 h 30 min)';
    if (value * 60 > maxHours * 60 + WHOLE_MINUTE_TOLERANCE) return `must not be more than ${maxHours} hours (${maxHours * 60} minutes)`;
    const minutes = Math.round(value * 60);
    if (Math.abs(value * 60 - minutes) > WHOLE_MINUTE_TOLERANCE)
      return 'must be a whole number of minutes (hours × 60 a whole number, e.g. 7.5 or 7.25)';
    if (minutes < 1) return 'must be at least 1 minute';
    return null;
  };
  return ValidateBy(
    {
      name: 'isHoursToTheMinute',
      constraints: [maxHours],
      validator: {
        validate: (value: unknown) => problem(value) === null,
        defaultMessage: (args) => `${args?.property} ${problem(args?.value) ?? 'is not valid'}`,
      },
    },
    options,
  );
}

/** Half a second, in minutes: how far hours × 60 may be from a whole number of minutes (a third of an hour has no exact decimal). */
const WHOLE_MINUTE_TOLERANCE = 0.5 / 60;

/** Hours to the minute (IsHoursToTheMinute) as whole minutes. */
export const minutesOfHours = (hours: number): number => Math.round(hours * 60);
