import { BadRequestException, PipeTransform } from '@nestjs/common';

/** Bull's numbers or ours (`tick:<tracking>:<n>`); also what the OpenAPI document says a job id is. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_:.-]{1,200}$/;

/** Refuses a job id of any other shape before it reaches Redis. */
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!JOB_ID_PATTERN.test(value)) {
      throw new BadRequestException('job id must look like tick:<tracking id>:<n> or a number');
    }
    return value;
  }
}
