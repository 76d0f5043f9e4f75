import { HttpService } from '@nestjs/axios';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { AppConfig } from '../config/app-config';
import { upstreamEndpoint, upstreamOutcome } from './upstream-labels';
import { WorkerMetrics } from './worker-metrics';
import { UpstreamSkips } from '../buses/stm/upstream-skips';

/**
 * Counts and times every request the STM client makes, through interceptors on the axios instance
 * behind the worker's HttpService (the client itself stays free of metrics). Requests to any other
 * host pass untouched. Nothing about a request is kept but its start time.
 */
@Injectable()
export class UpstreamMetricsInterceptor implements OnModuleInit, OnModuleDestroy {
  private readonly startedAt = new WeakMap<object, number>();
  private axios?: AxiosInstance;
  private ids?: { request: number; response: number };

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly metrics: WorkerMetrics,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // The HttpService of BusesModule (strict: false finds it from here): its axios instance is the
    // one StmClient and StmTokenProvider send through.
    this.axios = this.moduleRef.get(HttpService, { strict: false }).axiosRef;
    this.moduleRef
      .get(UpstreamSkips, { strict: false })
      .listen((reason, count) => this.metrics.upstreamItemsSkipped.inc({ reason }, count));
    const request = this.axios.interceptors.request.use((config: InternalAxiosRequestConfig) => {
      this.startedAt.set(config, Date.now());
      return config;
    });
    const response = this.axios.interceptors.response.use(
      (res: AxiosResponse) => {
        this.record(res.config, res.status);
        return res;
      },
      (error: AxiosError) => {
        if (error?.config) this.record(error.config, error.response?.status, error.code);
        return Promise.reject(error);
      },
    );
    this.ids = { request, response };
  }

  onModuleDestroy(): void {
    if (!this.axios || !this.ids) return;
    this.axios.interceptors.request.eject(this.ids.request);
    this.axios.interceptors.response.eject(this.ids.response);
  }

  private record(config: InternalAxiosRequestConfig, status: number | undefined, code?: string): void {
    const { apiUrl, tokenUrl } = this.config.stm;
    const endpoint = upstreamEndpoint(config.url ?? '', apiUrl, tokenUrl);
    if (!endpoint) return;
    this.metrics.upstreamRequests.inc({ endpoint, outcome: upstreamOutcome(status, code) });
    const startedAt = this.startedAt.get(config);
    if (startedAt !== undefined) this.metrics.upstreamDuration.observe({ endpoint }, (Date.now() - startedAt) / 1000);
  }
}
