import { Injectable } from '@nestjs/common';

/** The time source; injected so tests can move time instead of waiting for it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
