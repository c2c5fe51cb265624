/** The scripts' command line (bench, chaos, storm-login). */

/** The value after `--name`, or undefined when the option is absent or has no value. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : undefined;
}

/** `--name` as a positive number, or the fallback when absent; anything else (no value included) stops the script with a clear message. */
export function positiveArg(name: string, fallback: number): number {
  const value = process.argv.includes(`--${name}`) ? Number(arg(name)) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
}
