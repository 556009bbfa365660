import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, DEFAULT_SCREENING_WORKERS, rateLimits, screeningWorkers } from './config.ts';

describe('server limits from the environment', () => {
  it('uses the defaults when nothing is set', () => {
    expect(rateLimits({})).toEqual(DEFAULT_RATE_LIMITS);
    expect(screeningWorkers({})).toBe(DEFAULT_SCREENING_WORKERS);
  });

  it('takes each limit from its variable', () => {
    expect(
      rateLimits({
        GREENLANE_RATE_LIMIT_PER_MINUTE: '600',
        GREENLANE_RATE_LIMIT_BURST: ' 50 ',
        GREENLANE_RATE_LIMIT_CONCURRENT: '4',
      }),
    ).toEqual({ perMinute: 600, burst: 50, concurrent: 4 });
    expect(screeningWorkers({ GREENLANE_SCREENING_WORKERS: '0' })).toBe(0);
    expect(screeningWorkers({ GREENLANE_SCREENING_WORKERS: '2' })).toBe(2);
  });

  it('names the variable and the allowed range when a value is wrong', () => {
    expect(() => rateLimits({ GREENLANE_RATE_LIMIT_BURST: '0' })).toThrow(
      'GREENLANE_RATE_LIMIT_BURST must be an integer from 1 to 1000000, not "0"',
    );
    expect(() => rateLimits({ GREENLANE_RATE_LIMIT_PER_MINUTE: '1.5' })).toThrow(
      'GREENLANE_RATE_LIMIT_PER_MINUTE must be an integer',
    );
    expect(() => screeningWorkers({ GREENLANE_SCREENING_WORKERS: '17' })).toThrow(
      'GREENLANE_SCREENING_WORKERS must be an integer from 0 to 16, not "17"',
    );
  });
});
