import type { Application, Request } from 'express';

interface RouteLayer {
  route?: { methods: Record<string, boolean> };
  match(path: string): unknown;
}

/**
 * The methods the app's routes take on a path, as Express would match them, in the `Allow` header's
 * form (GET brings HEAD, which Express answers for it). Empty for a path no route knows. Read from
 * the router when asked (only after a miss), so it is right whatever modules registered routes.
 */
export function allowedMethods(req: Request): string[] {
  const stack = ((req.app as Application & { router?: { stack: RouteLayer[] } }).router?.stack ?? []) as RouteLayer[];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || !layer.match(req.path)) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) if (on) methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  if (methods.size) methods.add('OPTIONS');
  return [...methods].sort();
}
