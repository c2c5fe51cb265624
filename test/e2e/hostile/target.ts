/**
 * The platform under attack, as the hostile corpus sees it. The test fills it in once the platform
 * is up; each case reads it when it is sent, not when the corpus is built.
 */
import type { Platform } from '../../support/platform';

export interface Target {
  platform: Platform;
  url: string;
  member: { id: string; token: string; email: string };
  admin: { id: string; token: string };
  workspaceId: string;
  bookingId: string;
  secrets: Record<string, string>;
}

export const target = {} as Target;

export interface Answer {
  status: number;
  text: string;
  json?: any;
}
/** One named case of the corpus: one request, and what its answer may be. */
export interface Attack {
  category: string;
  name: string;
  send: () => Promise<Answer>;
  /** The strings the request carries: the answer may echo them (a refused value named in a message). */
  inputs?: string[];
  /** When only one HTTP status is right (a refused token is 401). */
  status?: number;
  /** Odd but valid: when it succeeds, this must hold (the value round-trips, an unknown id is null...). */
  ifOk?: (data: any) => void | Promise<void>;
}
