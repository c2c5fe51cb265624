import { randomBytes } from 'node:crypto';
import { argon2id, hash, verify } from 'argon2';

/** argon2id with the library's cost defaults (64 MiB, t=3, p=4), above OWASP's minimum. */
const OPTIONS = { type: argon2id } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/** A hash nobody knows the password of; made once, at start-up, so no login pays for it. */
export function prepareDummyHash(): Promise<string> {
  return (dummyHash ??= hash(randomBytes(32), OPTIONS));
}

/**
 * True when the password matches. For an unknown account (no hash) it still runs a full verify
 * against the dummy hash, so the answer takes as long as a wrong password for a real account
 * and response times do not tell which emails have accounts.
 */
export async function verifyPassword(passwordHash: string | undefined, password: string): Promise<boolean> {
  const matches = await verify(passwordHash ?? (await prepareDummyHash()), password);
  return passwordHash !== undefined && matches;
}
