import { describe, expect, it } from 'vitest';
import { QUEUE_SCRIPT } from './queue-assets.ts';

describe('queue page script', () => {
  it('is valid JavaScript that keeps the key in sessionStorage and sends it as a bearer token', () => {
    expect(() => new Function(QUEUE_SCRIPT)).not.toThrow();
    expect(QUEUE_SCRIPT).toContain("sessionStorage.setItem(KEY, $('key').value.trim())");
    expect(QUEUE_SCRIPT).toContain("Authorization: 'Bearer ' + key");
    expect(QUEUE_SCRIPT).not.toMatch(/localStorage|document\.cookie|[?&]key=/);
  });
});
