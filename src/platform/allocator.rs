//! The wasm32 global allocator: power-of-two size classes with one free list each, over
//! `memory.grow`.
//!
//! Why not the default (dlmalloc): it costs ~7.2 KB of wasm code; this one is a few hundred
//! bytes (measured 2026-11: the optimised wasm lost 7.7 KB raw / 2.4 KB brotli). The SDK's
//! heap is small (strings, JSON trees, a few 3072-bit numbers) and its allocation patterns
//! repeat, so per-class free lists reach a steady state: a freed block is reused by the next
//! allocation of its class. The price is up to 2× internal fragmentation and no coalescing,
//! which a page-long SDK heap of some tens of KB can afford.
//!
//! Every block of class `16 << k` is naturally aligned up to the 64 KiB page: its address is a
//! multiple of its size, or of the page for bigger classes. So any alignment up to 64 KiB is
//! met, and a request for a bigger one is refused (null), never served misaligned. A request
//! that memory cannot grow for (above 1 GiB, or past the engine's limit of 4 GiB) is null too,
//! and leaves the allocator as it was. Memory is single-threaded on wasm32 without the
//! `atomics` feature, which the `compile_error!` below enforces.

#[cfg(target_feature = "atomics")]
compile_error!("the size-class allocator is single-threaded: build without +atomics");

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr::null_mut;

/// wasm pages are 64 KiB.
const PAGE: usize = 65536;
/// The smallest block (room for the free-list link, and the alignment of every `v128`).
const MIN_BLOCK: usize = 16;
/// Classes `16 << 0` ..= `16 << 26` (1 GiB); bigger requests fail (return null).
const CLASSES: usize = 27;

struct State {
    /// Head of each class's free list (0: empty); a free block's first word links the next.
    free: [usize; CLASSES],
    /// The unused part of the memory this allocator grew: `[next, end)`.
    next: usize,
    end: usize,
}

/// The allocator (installed as `#[global_allocator]` in `platform`).
pub struct SizeClassAlloc(UnsafeCell<State>);

// SAFETY: wasm32 without threads (checked above): there is never concurrent access.
unsafe impl Sync for SizeClassAlloc {}

impl SizeClassAlloc {
    /// An allocator with nothing allocated yet.
    pub const fn new() -> Self {
        SizeClassAlloc(UnsafeCell::new(State {
            free: [0; CLASSES],
            next: 0,
            end: 0,
        }))
    }
}

impl Default for SizeClassAlloc {
    fn default() -> Self {
        Self::new()
    }
}

/// The class index for `layout`, or `None` when it is too big or asks for an alignment above
/// the page (blocks are never aligned beyond it).
fn class(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(MIN_BLOCK);
    if size > MIN_BLOCK << (CLASSES - 1) || layout.align() > PAGE {
        return None;
    }
    Some((size.next_power_of_two().trailing_zeros() - MIN_BLOCK.trailing_zeros()) as usize)
}

impl State {
    /// Pushes the free block at `addr` of `size` bytes (a power of two ≥ 16) on its list.
    unsafe fn push(&mut self, addr: usize, size: usize) {
        let k = (size.trailing_zeros() - MIN_BLOCK.trailing_zeros()) as usize;
        *(addr as *mut usize) = self.free[k];
        self.free[k] = addr;
    }

    unsafe fn alloc(&mut self, k: usize) -> *mut u8 {
        let head = self.free[k];
        if head != 0 {
            self.free[k] = *(head as *const usize);
            return head as *mut u8;
        }
        let size = MIN_BLOCK << k;
        // Natural alignment, capped at a page: `end` only advances by whole pages.
        let align = size.min(PAGE);
        loop {
            let Some(top) = (self.next.checked_add(align - 1))
                .and_then(|n| (n & !(align - 1)).checked_add(size))
            else {
                return null_mut();
            };
            let aligned = top - size;
            if top <= self.end {
                // The padding before `aligned` becomes free blocks: `next` is a multiple of
                // its lowest set bit `b`, and `aligned` of a bigger power of two, so each
                // `[next, next + b)` is a naturally aligned block below `aligned`.
                while self.next < aligned {
                    let b = self.next & self.next.wrapping_neg();
                    self.push(self.next, b);
                    self.next += b;
                }
                self.next = top;
                return aligned as *mut u8;
            }
            let pages = (top - self.end).div_ceil(PAGE);
            let old = core::arch::wasm32::memory_grow(0, pages);
            if old == usize::MAX {
                return null_mut();
            }
            let start = old * PAGE;
            if start != self.end {
                // Not contiguous with our previous memory (the first growth, or memory grown
                // by someone else): the rest of the old region is given up.
                self.next = start;
            }
            // A memory of the whole 4 GiB ends at 2^32, one past `usize::MAX`: every block
            // below that still fits, since a block's `top` is computed with `checked_add`.
            self.end = start.saturating_add(pages * PAGE);
        }
    }
}

unsafe impl GlobalAlloc for SizeClassAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match class(layout) {
            Some(k) => (*self.0.get()).alloc(k),
            None => null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if let Some(k) = class(layout) {
            (*self.0.get()).push(ptr as usize, MIN_BLOCK << k);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        if class(layout) == class(new_layout) {
            return ptr;
        }
        let new = self.alloc(new_layout);
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            self.dealloc(ptr, layout);
        }
        new
    }
}
