/** OpenTelemetry from the standard OTEL_* variables. */

import { ConfigError, HEADER_NAME, parseBoolean, parseChoice, parseKeyValueList, parseUrl } from './values.js';
import type { Reader } from './values.js';
import type { TracingConfig } from './types.js';

/** The OTEL_* variables of the OpenTelemetry specification that this gateway reads (see TracingConfig). */
export function readTracing(read: Reader): TracingConfig | null {
  if (parseBoolean('OTEL_SDK_DISABLED', read('OTEL_SDK_DISABLED') ?? 'false')) return null;
  const exporterName = read('OTEL_TRACES_EXPORTER');
  const tracesEndpoint = read('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  const baseEndpoint = read('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (exporterName === 'none' || (exporterName === undefined && tracesEndpoint === undefined && baseEndpoint === undefined)) return null;
  const exporter = parseChoice('OTEL_TRACES_EXPORTER', exporterName ?? 'otlp', ['otlp', 'console', 'none']);
  if (exporter === 'none') return null;
  const protocolName = read('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = read(protocolName) ?? 'http/protobuf';
  if (protocol === 'grpc') throw new ConfigError(protocolName, 'grpc is not supported here; use http/protobuf (port 4318 on a collector) or http/json');
  const endpoint = tracesEndpoint
    ? parseUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint)
    : `${parseUrl('OTEL_EXPORTER_OTLP_ENDPOINT', baseEndpoint ?? 'http://localhost:4318')}/v1/traces`;
  const headersName = read('OTEL_EXPORTER_OTLP_TRACES_HEADERS') !== undefined ? 'OTEL_EXPORTER_OTLP_TRACES_HEADERS' : 'OTEL_EXPORTER_OTLP_HEADERS';
  return {
    exporter,
    protocol: parseChoice(protocolName, protocol, ['http/protobuf', 'http/json']),
    endpoint,
    headers: parseKeyValueList(headersName, read(headersName), 'authorization=Bearer%20<token>', HEADER_NAME),
    serviceName: read('OTEL_SERVICE_NAME') ?? 'verification-gateway',
    resourceAttributes: parseKeyValueList('OTEL_RESOURCE_ATTRIBUTES', read('OTEL_RESOURCE_ATTRIBUTES'), 'deployment.environment=production'),
  };
}
