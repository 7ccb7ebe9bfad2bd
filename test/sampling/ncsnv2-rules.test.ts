/** NCSNv2 techniques 2 and 4 against the values of algorithms.md section 4 and the paper's configs. */
import { describe, expect, it } from 'vitest';
import { ncsnv2NumScales, ncsnv2Ratio, ncsnv2StepSize } from '../../src/score/ncsnv2-rules.ts';

describe('NCSNv2 rules', () => {
  it('MNIST (D = 784): gamma ~ 1.08, eps ~ 1e-5 with f ~ 1.094 for T = 5', () => {
    expect(ncsnv2Ratio(784).value).toBeCloseTo(1.082, 2);
    const e = ncsnv2StepSize(5, 1.082, 0.01);
    expect(e.value).toBeGreaterThan(0.9e-5);
    expect(e.value).toBeLessThan(1.2e-5);
    expect(e.f).toBeCloseTo(1.094, 2);
  });

  it('CIFAR-10 (D = 3072, sigma 50 -> 0.01): L near the shipped 232, eps near 6.2e-6', () => {
    const L = ncsnv2NumScales(50, 0.01, ncsnv2Ratio(3072).value).value;
    expect(Math.abs(L - 232) / 232).toBeLessThan(0.07); // the rule gives 220
    const gamma = (50 / 0.01) ** (1 / 231); // the shipped levels
    const e = ncsnv2StepSize(5, gamma, 0.01);
    expect(Math.abs(e.value - 6.2e-6) / 6.2e-6).toBeLessThan(0.1);
    expect(e.f).toBeCloseTo(1.056, 1);
  });

  it('explains why technique 2 has no answer below D = 5', () => {
    expect(() => ncsnv2Ratio(2)).toThrow(/D >= 5.*D = 2/);
  });
});
