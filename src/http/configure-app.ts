import { BadRequestException, INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { SwaggerModule } from '@nestjs/swagger';
import { serveLivePage } from '../live/live-page';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { applyHardening } from './hardening';
import { buildOpenApiDocument } from './openapi';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith('property ') ? `unknown field "${path}": remove it (accepted fields are documented at /docs)` : m,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Everything the HTTP app needs beyond its modules; shared by main.ts and the tests. */
export function configureApp(app: INestApplication): void {
  applyHardening(app);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new BadRequestException([...new Set(flatten(errors))].join('; ')),
    }),
  );
  app.useGlobalFilters(new AllExceptionsFilter());

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  serveLivePage(app);
}
