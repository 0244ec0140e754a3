import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SwitchInputSchema } from '@switchyard/contracts';
import { InvalidRequestException } from './api-error';
import { ZodValidationPipe } from './zod-validation.pipe';

function fieldErrorsOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof InvalidRequestException);
    return err.fieldErrors;
  }
  assert.fail('expected a 400');
}

describe('ZodValidationPipe', () => {
  const pipe = new ZodValidationPipe(SwitchInputSchema);

  it('returns the parsed value with defaults applied', () => {
    const parsed = pipe.transform({ name: 'sw1', host: '127.0.0.1', credentialRef: 'lab' });

    assert.equal(parsed.port, 22);
    assert.deepEqual(parsed.tags, []);
  });

  it('names one entry per unknown key and per bad field', () => {
    const errors = fieldErrorsOf(() =>
      pipe.transform({
        name: 'sw1',
        host: '127.0.0.1',
        credentialRef: 'lab',
        port: 'x',
        a: 1,
        b: 2,
      }),
    );

    assert.deepEqual(errors.map((e) => e.path).sort(), ['a', 'b', 'port']);
    assert.equal(errors.find((e) => e.path === 'a')?.message, 'unknown field');
  });

  it('names the whole body with an empty path when it is not an object', () => {
    const errors = fieldErrorsOf(() => pipe.transform(undefined));

    assert.deepEqual(
      errors.map((e) => e.path),
      [''],
    );
  });
});
