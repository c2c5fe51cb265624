import { BadUserInputError } from '@wsb/kernel';

const PASSWORD_MIN = 8;
const PASSWORD_MAX = 256;

/** Counted in characters (code points), not UTF-16 units, so an emoji is one character. */
export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `password must be at least ${PASSWORD_MIN} characters.`;
  if (length > PASSWORD_MAX) return `password must be at most ${PASSWORD_MAX} characters.`;
  return undefined;
}

export function validPassword(password: string): string {
  const problem = passwordProblem(password);
  if (problem) throw new BadUserInputError(problem, 'password');
  return password;
}
