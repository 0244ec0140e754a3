import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SwitchyardError } from '@switchyard/contracts';

export interface SwitchCredentials {
  username: string;
  password: string;
}

const CredentialsFileSchema = z.record(
  z.string(),
  z.object({ username: z.string().min(1), password: z.string().min(1) }).strict(),
);

/**
 * Switch credentials, looked up by reference on the worker. They are read from a file the
 * operator controls (SWITCHYARD_CREDENTIALS, JSON or YAML) and never written anywhere.
 */
export class CredentialStore {
  private constructor(private readonly byRef: ReadonlyMap<string, SwitchCredentials>) {}

  static fromFile(path: string): CredentialStore {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`cannot read the credentials file ${path}: ${(err as Error).message}`);
    }
    return CredentialStore.fromText(text, path);
  }

  /** YAML is a superset of JSON, so one parser reads both forms. */
  static fromText(text: string, source = 'credentials'): CredentialStore {
    const parsed = CredentialsFileSchema.safeParse(parseYaml(text));
    if (!parsed.success) {
      const problems = parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ');
      throw new Error(`${source} must map each reference to { username, password }: ${problems}`);
    }
    return new CredentialStore(new Map(Object.entries(parsed.data)));
  }

  static fromEntries(entries: Record<string, SwitchCredentials>): CredentialStore {
    return new CredentialStore(new Map(Object.entries(entries)));
  }

  get(ref: string): SwitchCredentials {
    const found = this.byRef.get(ref);
    if (!found) throw new SwitchyardError('CREDENTIALS_MISSING', `no credentials under "${ref}"`);
    return found;
  }

  has(ref: string): boolean {
    return this.byRef.has(ref);
  }
}
