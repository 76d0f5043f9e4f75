/*
 * Preloaded into the web process by `npm run soak` (node --expose-gc --require …): a full garbage
 * collection on SIGUSR2, so the soak reads the heap that is really alive, not garbage V8 has not
 * got round to collecting yet (it may wait minutes before a major collection).
 */
'use strict';
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
