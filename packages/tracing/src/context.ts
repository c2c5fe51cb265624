/**
 * The gateway's context manager: the SDK's AsyncLocalStorage one, with its storage enabled only
 * while a traced request is in flight.
 *
 * On Node 20 (and 22 without --experimental-async-context-frame) an enabled AsyncLocalStorage turns
 * on a promise hook, so every promise the process creates pays for it and loses V8's fast await
 * path. The subgraphs have one enabled whatever tracing does (the kernel's request scope), but the
 * gateway has none with tracing off, and the SDK's was half of what tracing cost per booking there
 * (docs/benchmarks.md, "Tracing's cost"). The gateway does not need it for a request it does not
 * trace: it carries that request's `traceparent` in Apollo's context instead (the kernel's
 * withIncomingTrace and the gateway's data source).
 *
 * So:
 *  - `hold()` (the kernel's server span, for each traced request) keeps the storage in use until
 *    the release it returns is called (when the response is done). When the last holder releases,
 *    the storage is disabled: AsyncLocalStorage.disable() takes the promise hook away again (on
 *    Node 24 it only forgets the store; there is no hook to take away there).
 *  - `with(ctx, fn)` while nothing holds it, and `ctx` carries no recording span, just calls `fn`:
 *    that is every span Apollo Gateway starts in an unsampled request (a no-op span from the
 *    sampler, which in the gateway refuses every root that is not a server span). Inside `fn` the
 *    active context is then the root one, so what that span's children start is refused too.
 *  - Anything else runs as the SDK's manager runs it (a recording span started outside a request
 *    would enable the storage until the next release to none).
 */
import { trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';

export class OnDemandContextManager extends AsyncLocalStorageContextManager {
  private holders = 0;

  /** Keeps the storage enabled until the returned release is called (once; later calls do nothing). */
  hold(): () => void {
    this.holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.holders === 0) super.disable();
    };
  }

  /** Whether the storage is in use for traced requests now (for tests). */
  get holding(): number {
    return this.holders;
  }

  override with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(ctx: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    if (this.holders === 0 && !trace.getSpan(ctx)?.isRecording()) return fn.apply(thisArg, args);
    return super.with(ctx, fn, thisArg, ...args);
  }

  /** The provider's shutdown disables the manager: nothing holds it after that. */
  override disable(): this {
    this.holders = 0;
    return super.disable();
  }
}
