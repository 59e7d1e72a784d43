//! What the wasm needs from its host beyond the exported class (wasm32 only): memory. Randomness
//! comes from `getrandom` (`crypto.getRandomValues`) in `core::random`; everything else — HTTP,
//! storage, the clock, events — is done by the JS driver (`js/auth.js`).

pub mod allocator;

/// The global allocator: a few hundred bytes instead of dlmalloc's ~7 KB (see [`allocator`]).
#[global_allocator]
static ALLOCATOR: allocator::SizeClassAlloc = allocator::SizeClassAlloc::new();
