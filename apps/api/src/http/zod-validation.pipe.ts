import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { InvalidRequestException, type FieldError } from './api-error';

/**
 * Parses a request part (the body, or the whole params or query object) with a zod schema. The parsed value (defaults applied, unknown
 * fields refused by the strict schemas) replaces the raw one; a failure is a 400 naming
 * each bad field.
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;

    throw new InvalidRequestException(toFieldErrors(parsed.error));
  }
}

/** One entry per bad field; an unknown-keys issue becomes one entry per unknown key. */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        path: [...path, key].join('.'),
        message: 'unknown field',
      }));
    }
    return [{ path: path.join('.'), message: issue.message }];
  });
}
