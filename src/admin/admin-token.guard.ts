import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { ADMIN_MESSAGES, adminVerdict } from './admin-token';

/**
 * Admin routes: `Authorization: Bearer $ADMIN_TOKEN`, compared in constant time. Without
 * ADMIN_TOKEN configured they are closed to everyone (403), so a forgotten variable never opens them.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const verdict = adminVerdict(this.config.adminToken, http.getRequest<Request>().headers.authorization);
    if (verdict === 'ok') return true;
    if (verdict === 'disabled') throw new ForbiddenException(ADMIN_MESSAGES.disabled);
    http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="bus-tracker admin"');
    throw new UnauthorizedException(ADMIN_MESSAGES[verdict]);
  }
}
