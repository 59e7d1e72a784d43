//! xorshift64*: a small deterministic PRNG for the randomised tests that run in wasm (where the
//! host-only `proptest` is not available), so a failure replays from its seed. Included with
//! `#[path = "support/rng.rs"] mod rng;`.

/// The generator's state (any non-zero seed).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    #[allow(dead_code)] // not every test file draws bounded numbers
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
