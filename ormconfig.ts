import 'reflect-metadata';
import 'dotenv/config';
import { DataSource } from 'typeorm';
import { loadConfig } from './src/config/app-config';
import { buildDataSourceOptions } from './src/database/data-source';

/**
 * Entry point of the TypeORM CLI (`npm run migration:run`, `npm run typeorm -- migration:show`).
 * The definition itself lives in src/database/data-source.ts so that the compiled app keeps
 * dist/main.js and dist/worker.js at the top of dist/, where `node dist/main` expects them.
 */
export default new DataSource(buildDataSourceOptions(loadConfig()));
