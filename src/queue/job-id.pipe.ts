import { BadRequestException, PipeTransform } from '@nestjs/common';

/** Job ids are Bull's numbers or ours (`tick:<tracking>:<n>`): refuse anything else before it reaches Redis. */
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[\w:.-]{1,200}$/.test(value)) {
      throw new BadRequestException('job id must look like tick:<tracking id>:<n> or a number');
    }
    return value;
  }
}
