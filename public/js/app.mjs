/* global window, location */
// The dashboard page: find a stop, pick lines, start, watch buses come in live, stop.
// The address says which tracking is shown (#tracking=<id>), so a reload or a shared link comes back to it.
import { StopFinder } from './stop-finder.mjs';
import { TrackingView } from './tracking-view.mjs';

/** @typedef {import('./types').Tracking} Tracking */
/** @typedef {import('./types').StopDetail} StopDetail */

/** @type {{ tracking?: Tracking, stop?: StopDetail }} what the page already knows of the tracking it opens next */
let known = {};

/** @param {Tracking} tracking @param {StopDetail} stop */
const onStarted = (tracking, stop) => {
  known = { tracking, stop };
  if (location.hash === `#tracking=${tracking.id}`) void view.open(tracking.id, known);
  else location.hash = `tracking=${tracking.id}`;
};

const finder = new StopFinder({ onStarted });
const view = new TrackingView({
  onStarted,
  onNewSearch: () => {
    finder.forgetStop();
    location.hash = '';
  },
});

function route() {
  const match = /^#tracking=([0-9a-f-]{36})$/i.exec(location.hash);
  if (match) {
    finder.hide();
    void view.open(match[1], known.tracking?.id === match[1] ? known : {});
  } else {
    view.close();
    finder.show();
  }
  known = {};
}

window.addEventListener('hashchange', route);
route();
