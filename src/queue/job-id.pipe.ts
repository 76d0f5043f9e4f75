import { BadRequestException, PipeTransform } from '@nestjs/common';

/** Bull's numbers or ours (`tick:<line>:<n>`; line names hold letters, digits, spaces and hyphens, "124 SD"); also
 * what the OpenAPI document says a job id is. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_:. -]{1,200}$/;

export const BAD_JOB_ID = 'job id must look like tick:<line>:<n> (such as tick:103:12) or a number';

/** Refuses a job id of any other shape before it reaches Redis. */
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!JOB_ID_PATTERN.test(value)) {
      throw new BadRequestException(BAD_JOB_ID);
    }
    return value;
  }
}
