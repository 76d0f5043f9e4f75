import { INestApplication } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { serveLivePage } from '../live/live-page';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { applyHardening } from './hardening';
import { buildOpenApiDocument } from './openapi';
import { EdgeValidationPipe } from './validation/edge-validation.pipe';

/** Everything the HTTP app needs beyond its modules; shared by main.ts and the tests. */
export function configureApp(app: INestApplication): void {
  applyHardening(app);
  app.useGlobalPipes(new EdgeValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  serveLivePage(app);
}
