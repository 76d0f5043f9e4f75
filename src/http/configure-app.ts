import { BadRequestException, INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { serveLivePage } from '../live/live-page';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { applyHardening } from './hardening';

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

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('bus-tracker')
      .setDescription(
        'When will my bus reach my stop? Start a tracking for a Montevideo stop and some lines; a worker polls ' +
          'the STM bus positions every 15 s and this API serves each bus’s distance, speed and ETA.',
      )
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  serveLivePage(app);
}
