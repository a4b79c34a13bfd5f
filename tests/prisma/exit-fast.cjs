// Preloaded into the Prisma CLI by prisma.sh.
//
// On success the CLI does not call process.exit(): it waits for the event loop
// to drain, and after `migrate deploy` a 10 s timer of the wasm schema engine
// (its advisory-lock timeout) and the pool's idle connection keep it alive, so
// every deploy would take 10 s longer than its work. prisma.sh passes
// allowExitOnIdle to the pool for the second; this file unrefs long timers for
// the first. Unref'ing long timers only changes when the process may exit:
// while the engine waits on a query, the open socket still keeps the loop
// alive, and a timer that fires still runs. Set MIGPLAN_PRISMA_SLOW_EXIT=1 to see the unmodified behaviour.
'use strict';
if (process.env.MIGPLAN_PRISMA_SLOW_EXIT !== '1') {
  const setTimeoutOrig = global.setTimeout;
  global.setTimeout = function setTimeoutUnrefLong(fn, ms, ...args) {
    const t = setTimeoutOrig.call(this, fn, ms, ...args);
    if (typeof ms === 'number' && ms >= 5000 && t && typeof t.unref === 'function') t.unref();
    return t;
  };
}
