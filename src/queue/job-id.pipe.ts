import { BadRequestException, PipeTransform } from '@nestjs/common';

/** Job ids are Bull's numbers or ours (`tick:<line>:<n>`): refuse anything else before it reaches Redis. */
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    // Line names hold letters, digits, spaces and hyphens ("124 SD", "M-A").
    if (!/^[\w:. -]{1,200}$/.test(value)) {
      throw new BadRequestException('job id must look like tick:<line>:<n> (such as tick:103:12) or a number');
    }
    return value;
  }
}
