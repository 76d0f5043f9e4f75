import type { IncomingMessage } from 'node:http';
import type { FaultInjector } from './fault-injector';
import { FaultsValidationError } from './faults';
import { badRequest, methodNotAllowed, readBody, type Reply } from './http-util';

export const FAULTS_ADMIN_PATH = '/_sim/faults';

/**
 * `/_sim/faults`: fault injection over HTTP, for scripts that run the simulator as a separate process.
 * - `GET` → `{ faults, counts }`
 * - `PUT` with a JSON object → merged into the current faults (`rateLimit` field by field), then as GET;
 *   400 naming every bad or unknown setting, nothing applied.
 * - `DELETE` → no faults (counts are kept), then as GET.
 *
 * There is no authentication: the simulator is a test tool, listens on 127.0.0.1 by default, and its
 * faults only ever hurt the product pointed at it. Do not expose it where strangers can reach it.
 */
export async function faultsAdmin(faults: FaultInjector, req: IncomingMessage): Promise<Reply> {
  switch (req.method) {
    case 'GET':
    case 'HEAD':
      break;
    case 'PUT':
      await merge(faults, req);
      break;
    case 'DELETE':
      faults.clear();
      break;
    default:
      throw methodNotAllowed('GET, PUT or DELETE');
  }
  return { status: 200, body: { faults: faults.settings(), counts: faults.counts() } };
}

/** Applies a PUT body; FaultInjector.set validates before it changes anything. */
async function merge(faults: FaultInjector, req: IncomingMessage): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw badRequest('the body must be a JSON object of fault settings');
  }
  try {
    faults.set(body);
  } catch (error) {
    if (error instanceof FaultsValidationError) throw badRequest(error.message);
    throw error;
  }
}
