/*
 * `npm run openapi [-- --out FILE]`: prints (or writes) the OpenAPI document the web app serves at
 * /docs-json, built without listening and without Redis or a database (Nest's preview mode registers
 * the routes but creates no provider), so `npm run lint:openapi` can lint it on any machine.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { AppModule } from '../src/app.module';
import { buildOpenApiDocument } from '../src/http/openapi';

async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule.register(), { preview: true, logger: false, abortOnError: false });
  const text = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  const outIndex = process.argv.indexOf('--out');
  if (outIndex > 0 && process.argv[outIndex + 1]) {
    mkdirSync(dirname(process.argv[outIndex + 1]), { recursive: true });
    writeFileSync(process.argv[outIndex + 1], text);
  } else {
    process.stdout.write(text);
  }
  await app.close();
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
