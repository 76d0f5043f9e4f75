import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const TAGS: [name: string, description: string][] = [
  ['catalogue', 'Stops, lines and line variants of the city (the shipped STM catalogue)'],
  ['trackings', 'Follow the buses of some lines coming to one stop: start, read, watch live, stop'],
  ['accuracy', 'How right the ETAs shown on the live feed were (ETA Accuracy Benchmark), by bucket'],
  ['page', 'What the live page needs besides the API: its map settings (tiles only when the operator sets them)'],
  ['queue', 'The tick queue for operators: reading is open, changing needs the admin token'],
  ['health', 'Liveness, readiness and Prometheus metrics for supervisors and monitoring'],
];

/** The OpenAPI document of the web app, as /docs-json serves it and `npm run openapi` prints it. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('bus-tracker')
    .setDescription(
      'When will my bus reach my stop? Start a tracking for a Montevideo stop and some lines; a worker polls ' +
        'the STM bus positions every 15 s and this API serves each bus’s distance, speed and ETA.\n\n' +
        'Every error is JSON `{statusCode, error, message}`. Public routes are rate limited per client address ' +
        '(429). A method a path does not take answers 405 with an `Allow` header naming those it does.',
    )
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    // Relative: "Try it out" calls whichever server serves this document.
    .addServer('/', 'this server')
    // An opaque operator secret (ADMIN_TOKEN), not a JWT: no bearerFormat.
    .addSecurity('admin', {
      type: 'http',
      scheme: 'bearer',
      description: 'Authorization: Bearer <ADMIN_TOKEN>, the token set in the web app’s environment',
    });
  for (const [name, description] of TAGS) builder.addTag(name, description);
  return SwaggerModule.createDocument(app, builder.build());
}
