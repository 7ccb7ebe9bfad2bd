/**
 * Seeded pseudo-random numbers for every stochastic path in scorekit.
 *
 * Generator: xoshiro128** (Blackman & Vigna 2018), 128-bit state, seeded through
 * splitmix32 so that nearby seeds give unrelated streams. Normals use the Box-Muller
 * transform (Box & Muller 1958); the spare normal of each pair is part of the state, so a
 * restored state continues the exact stream.
 */

/** Serialisable generator state (JSON-safe). */
export interface RngState {
  readonly s: readonly [number, number, number, number];
  /** Spare Box-Muller normal, or null when none is cached. */
  readonly spare: number | null;
}

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let z = a;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded random number generator (xoshiro128**). Not cryptographic. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | null = null;

  /** @param seed - any integer (the low 32 bits are used, plus the high bits mixed in). */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    const hi = Math.floor(seed / 4294967296);
    const next = splitmix32((seed >>> 0) ^ Math.imul(hi >>> 0, 0x27d4eb2d));
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /**
   * A generator for stream `keys` of `seed` (e.g. the randomness of training step k), so a
   * run can be resumed at any step without replaying the stream before it.
   */
  static derive(seed: number, ...keys: readonly number[]): Rng {
    let h = Math.imul((seed >>> 0) ^ 0x85ebca6b, 0x9e3779b1) ^ Math.floor(seed / 4294967296);
    for (const k of keys) {
      h = Math.imul(h ^ (k >>> 0), 0xcc9e2d51);
      h = Math.imul((h << 15) | (h >>> 17), 0x1b873593) ^ Math.floor(k / 4294967296);
    }
    return new Rng((h >>> 0) * 2097152 + (keys.length ? keys[keys.length - 1]! % 2097152 : 0));
  }

  /** Restores a generator from {@link Rng.state}. */
  static fromState(state: RngState): Rng {
    if (!Array.isArray(state.s) || state.s.length !== 4) {
      throw new Error('Rng.fromState: field "s" must be an array of four uint32 values');
    }
    const r = new Rng(0);
    [r.s0, r.s1, r.s2, r.s3] = state.s.map((v) => v >>> 0) as [number, number, number, number];
    r.spare = state.spare;
    return r;
  }

  /** The full state; `Rng.fromState(r.state())` continues the same stream. */
  state(): RngState {
    return { s: [this.s0, this.s1, this.s2, this.s3], spare: this.spare };
  }

  /** A uniformly distributed uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 4294967296) {
      throw new Error(`Rng.int: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Lemire-style rejection to remove modulo bias.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.nextUint32();
      if (u < limit) return u % n;
    }
  }

  /** A standard normal N(0, 1) (Box-Muller). */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    let u1 = 0;
    while (u1 === 0) u1 = this.nextUint32() * INV_2_32;
    const u2 = this.nextUint32() * INV_2_32;
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(TWO_PI * u2);
    return r * Math.cos(TWO_PI * u2);
  }

  /** Fills `out` with N(mean, std^2) samples and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fills `out` with U[lo, hi) samples and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, lo = 0, hi = 1): T {
    const w = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = lo + w * this.nextUint32() * INV_2_32;
    return out;
  }

  /** `n` standard normals as float32. */
  normals(n: number): Float32Array {
    return this.fillNormal(new Float32Array(n));
  }

  /** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** An independent generator derived from this one (advances this one by two draws). */
  split(): Rng {
    return new Rng(this.nextUint32() * 4294967296 + this.nextUint32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
