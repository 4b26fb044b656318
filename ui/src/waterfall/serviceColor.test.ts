import { describe, expect, it } from 'vitest';
import { serviceColors } from './serviceColor';

describe('serviceColors', () => {
  it('gives the five services of a checkout five different colours', () => {
    const colors = serviceColors(['api', 'authenticate', 'inventory', 'payment', 'shipping']);
    expect(new Set(colors.values()).size).toBe(5);
  });

  it('gives a service the same colour whatever order the set comes in', () => {
    const a = serviceColors(['api', 'inventory', 'payment']);
    const b = serviceColors(['payment', 'api', 'inventory', 'api']);
    expect(b).toEqual(a);
  });
});
