import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ConsoleSpanExporter, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import type { TracingConfig } from '../config.js';
import type { Logger } from './logger.js';
import { setTracer } from './tracer.js';

export interface Tracing {
  /** Exports what is buffered and uninstalls the SDK (the API falls back to its no-op). */
  shutdown(): Promise<void>;
}

/**
 * Installs the OpenTelemetry SDK from the OTEL_* settings (src/config.ts readTracing): a Node tracer provider with
 * AsyncLocalStorage context and W3C trace-context propagation, batching spans to the OTLP/HTTP endpoint (protobuf or
 * JSON) or the console. The one file that imports the SDK; everything else uses @opentelemetry/api
 * (src/observability/tracer.ts). One per process: the provider is global.
 */
export function startTracing(config: TracingConfig, logger: Logger): Tracing {
  const exporter: SpanExporter =
    config.exporter === 'console'
      ? new ConsoleSpanExporter()
      : config.protocol === 'http/json'
        ? new OtlpJsonExporter({ url: config.endpoint, headers: config.headers })
        : new OtlpProtobufExporter({ url: config.endpoint, headers: config.headers });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...config.resourceAttributes, 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  setTracer(provider.getTracer('verification-gateway'));
  logger.info({ exporter: config.exporter, protocol: config.protocol, endpoint: config.exporter === 'otlp' ? config.endpoint : undefined }, 'tracing on (OpenTelemetry)');
  return {
    async shutdown() {
      setTracer(null);
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'could not export the last spans'));
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
