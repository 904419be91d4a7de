import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, ValidationProblem } from './problem';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      const messages = Object.entries(e.constraints).map(([rule, message]) =>
        rule === 'whitelistValidation' ? `${field} is not a field this endpoint accepts` : message,
      );
      out.push({ field, messages });
    }
    if (e.children?.length) out.push(...flatten(e.children, field));
  }
  return out;
}

/** Whitelisting, rejecting unknown fields (mass assignment), transforming to DTO classes, problem+json errors. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationProblem(flatten(errors)),
  });
}
