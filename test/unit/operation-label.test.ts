import { describe, expect, it } from 'vitest';
import { createOperationLabels, MAX_OPERATION_LABELS } from '../../src/server/operation-label.js';

describe('the operation label of the request metrics', () => {
  it('keeps the names clients use, and unnamed operations as anonymous', () => {
    const label = createOperationLabels();
    expect(['Providers', 'OpenVerificationRequests', 'Check2', 'dashboard_v10_query', undefined].map(label)).toEqual([
      'Providers',
      'OpenVerificationRequests',
      'Check2',
      'dashboard_v10_query',
      'anonymous',
    ]);
  });

  it('labels at most MAX_OPERATION_LABELS distinct names: a caller naming every request afresh adds no series after that', () => {
    const label = createOperationLabels();
    const labels = new Set(Array.from({ length: 5_000 }, (_, index) => label(`Fresh${String.fromCharCode(65 + (index % 26))}${'x'.repeat(index % 40)}${Math.floor(index / 1040)}`)));
    expect(labels.size).toBe(MAX_OPERATION_LABELS + 1);
    expect(labels.has('other')).toBe(true);
    // The names labelled before the cap keep their label.
    expect(label('FreshA0')).toBe('FreshA0');
  });

  it('never labels a name holding a run of digits (an ID number, a serial) or longer than 64 characters', () => {
    const label = createOperationLabels();
    expect(label('ID49912319999')).toBe('other');
    expect(label('AB1234C')).toBe('other');
    // Digits in groups joined by underscores, the only separator a name allows: still one number.
    expect(label('ID499_123_199_99')).toBe('other');
    expect(label('dashboard_v10_query')).toBe('dashboard_v10_query');
    expect(label('Q'.repeat(65))).toBe('other');
  });
});
