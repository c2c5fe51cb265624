/**
 * The operator's first admin (BOOTSTRAP_ADMIN_EMAIL / _PASSWORD). Auth may start before the user
 * subgraph, so the profile is made in the background with retries instead of holding up start-up;
 * until it exists, /ready answers 503. Every attempt is idempotent, so restarts change nothing.
 */
import type { ServiceHost } from '@wsb/kernel';
import type { AuthConfig, BootstrapAdmin } from './config';
import { Credential } from './entities/credential.entity';
import { hashPassword } from './passwords';
import { createUserProfile, type Profile } from './profiles';

type AuthApp = ServiceHost<AuthConfig>;

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 5000;
const GIVE_UP_AFTER_MS = 3 * 60 * 1000;

/** One attempt: the credential (an existing one keeps its password), then the ADMIN profile. */
async function ensureBootstrapAdmin(app: AuthApp, admin: BootstrapAdmin): Promise<Profile> {
  const em = app.orm.em.fork();
  let credential = await em.findOne(Credential, { email: admin.email });
  if (!credential) {
    // Two instances starting together: the loser's unique violation is just retried, and finds this one.
    credential = em.create(Credential, { email: admin.email, passwordHash: await hashPassword(admin.password) });
    await em.flush();
  }
  // The name is used for a new profile only; an existing one keeps its own.
  return createUserProfile(app.subgraphs, { id: credential.id, email: admin.email, name: 'Administrator', role: 'ADMIN' });
}

/** The bootstrap as a service of the subgraph: started with it, in /ready, stopped with it. */
export function createBootstrap(app: AuthApp) {
  let state: 'off' | 'pending' | 'done' | 'failed' = 'off';
  let stopped = false;
  let wake: (() => void) | undefined;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      // unref: a pending retry never keeps the process alive on its own.
      const timer = setTimeout(resolve, ms).unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function run(admin: BootstrapAdmin): Promise<void> {
    const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
    for (let delay = FIRST_RETRY_MS; !stopped; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
      try {
        const profile = await ensureBootstrapAdmin(app, admin);
        state = 'done';
        app.log.info('bootstrap admin ready', { userId: profile.id, email: admin.email });
        return;
      } catch (err) {
        if (Date.now() + delay > giveUpAt) {
          state = 'failed';
          app.log.error('bootstrap admin could not be created; giving up', { email: admin.email, err });
          return;
        }
        app.log.warn('bootstrap admin not created yet; retrying', { err: (err as Error).message, retryInMs: delay });
        await pause(delay);
      }
    }
  }

  return {
    /** Starts the attempts in the background; resolves at once. */
    start(): void {
      const admin = app.config.bootstrapAdmin;
      if (!admin || state === 'pending') return;
      state = 'pending';
      stopped = false;
      void run(admin);
    },
    /** Throws while a configured bootstrap admin does not exist yet (or could not be created). */
    async ready(): Promise<void> {
      if (state === 'pending' || state === 'failed') throw new Error(`bootstrap admin is ${state}`);
    },
    stop(): void {
      stopped = true;
      wake?.();
    },
  };
}
