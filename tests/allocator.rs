//! The wasm32 size-class allocator (`platform::allocator`): blocks are aligned, distinct while
//! live, keep their contents across `realloc`, and freed blocks are reused; alignments above the
//! 64 KiB page are refused, never served misaligned. Running out of memory is covered by
//! `tests/allocator_oom.rs` (its own wasm instance, since it leaves the memory at its limit).
#![cfg(target_arch = "wasm32")]

use std::alloc::{GlobalAlloc, Layout};
use std::collections::BTreeMap;

use cognito_wasm::platform::allocator::SizeClassAlloc;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[wasm_bindgen_test]
fn blocks_are_aligned_disjoint_and_reused() {
    let a = SizeClassAlloc::new();
    unsafe {
        let mut live = Vec::new();
        for (size, align) in [
            (1, 1),
            (24, 8),
            (100, 4),
            (7, 64),
            (5000, 16),
            (70000, 8),
            (3, 4096),
            (200000, 128),
            (33, 1),
        ] {
            let p = a.alloc(layout(size, align));
            assert!(!p.is_null());
            assert_eq!(p as usize % align, 0, "size {size} align {align}");
            core::ptr::write_bytes(p, 0xA5, size);
            live.push((p as usize, size, align));
        }
        for (i, &(p, size, _)) in live.iter().enumerate() {
            for &(q, qsize, _) in &live[i + 1..] {
                assert!(
                    p + size <= q || q + qsize <= p,
                    "overlap {p}+{size} / {q}+{qsize}"
                );
            }
            assert!((0..size).all(|j| *((p + j) as *const u8) == 0xA5));
        }
        // Freed blocks are handed out again for the same class.
        for &(p, size, align) in &live {
            a.dealloc(p as *mut u8, layout(size, align));
            assert_eq!(a.alloc(layout(size, align)) as usize, p);
        }
    }
}

#[wasm_bindgen_test]
fn realloc_keeps_contents() {
    let a = SizeClassAlloc::new();
    unsafe {
        let p = a.alloc(layout(10, 1));
        for i in 0..10 {
            *p.add(i) = i as u8;
        }
        // Within the class: same block.
        assert_eq!(a.realloc(p, layout(10, 1), 16), p);
        let q = a.realloc(p, layout(16, 1), 1000);
        assert!(!q.is_null());
        assert!((0..10).all(|i| *q.add(i) == i as u8));
        let r = a.realloc(q, layout(1000, 1), 4);
        assert!((0..4).all(|i| *r.add(i) == i as u8));
        // The 1000-byte block was freed and is reused.
        assert_eq!(a.alloc(layout(600, 1)), q);
    }
}

#[wasm_bindgen_test]
fn heap_does_not_grow_under_repeated_use() {
    // The global allocator: a steady alloc/free pattern stops growing memory.
    let round = || {
        let v: Vec<Vec<u8>> = (0..200).map(|i| vec![i as u8; i * 37]).collect();
        let s: String = (0..500)
            .map(|i| char::from(b'a' + (i % 26) as u8))
            .collect();
        assert_eq!(v[199].len(), 199 * 37);
        assert_eq!(s.len(), 500);
    };
    round();
    let pages = core::arch::wasm32::memory_size(0);
    for _ in 0..200 {
        round();
    }
    assert_eq!(core::arch::wasm32::memory_size(0), pages);
}

#[wasm_bindgen_test]
fn too_big_is_null() {
    let a = SizeClassAlloc::new();
    unsafe {
        assert!(a.alloc(layout((1 << 30) + 1, 1)).is_null());
    }
}

#[wasm_bindgen_test]
fn alignment_up_to_the_page_is_met_and_above_it_refused() {
    let a = SizeClassAlloc::new();
    unsafe {
        for shift in 0..=16 {
            let align = 1usize << shift;
            for size in [1, align / 2 + 1, align, align + 1, 3 * align, 100_000] {
                let l = layout(size.max(1), align);
                let p = a.alloc(l);
                assert!(!p.is_null(), "size {size} align {align}");
                assert_eq!(p as usize % align, 0, "size {size} align {align}");
                a.dealloc(p, l);
            }
        }
        // Above the page, blocks are only page-aligned: such requests are refused.
        for align in [1 << 17, 1 << 20, 1 << 30] {
            for size in [1, 1 << 17, 300_000] {
                assert!(
                    a.alloc(layout(size, align)).is_null(),
                    "size {size} align {align}"
                );
            }
        }
    }
}

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

/// The byte at `offset` of block `id`: a 32-bit mix of the id, so blocks differ everywhere.
fn pattern(id: u32, offset: usize) -> u8 {
    (id.wrapping_mul(0x9E37_79B1) >> (8 * (offset % 4) as u32)) as u8 ^ (offset / 4) as u8
}

unsafe fn fill(p: *mut u8, from: usize, to: usize, id: u32) {
    for i in from..to {
        *p.add(i) = pattern(id, i);
    }
}

unsafe fn holds(p: *const u8, len: usize, id: u32) -> bool {
    (0..len).all(|i| *p.add(i) == pattern(id, i))
}

struct Live {
    size: usize,
    align: usize,
    id: u32,
}

/// Live blocks by address; inserting checks the neighbours for overlap.
#[derive(Default)]
struct Heap(BTreeMap<usize, Live>);

impl Heap {
    fn insert(&mut self, p: usize, block: Live) {
        if let Some((&q, prev)) = self.0.range(..=p).next_back() {
            assert!(
                q + prev.size <= p,
                "block {p:#x}+{} overlaps {q:#x}+{}",
                block.size,
                prev.size
            );
        }
        if let Some((&q, _)) = self.0.range(p..).next() {
            assert!(
                p + block.size <= q,
                "block {p:#x}+{} overlaps {q:#x}",
                block.size
            );
        }
        self.0.insert(p, block);
    }
}

fn random_layout(rng: &mut Rng) -> (usize, usize) {
    let size = match rng.below(100) {
        0..=69 => 1 + rng.below(128),
        70..=89 => 129 + rng.below(4096),
        90..=98 => 4097 + rng.below(70_000),
        _ => 70_001 + rng.below(230_000),
    } as usize;
    // Mostly small alignments, now and then anything up to the page.
    let align = if rng.below(4) == 0 {
        1 << rng.below(17)
    } else {
        1 << rng.below(4)
    };
    (size, align)
}

#[wasm_bindgen_test]
fn random_alloc_realloc_free_keeps_blocks_aligned_disjoint_and_intact() {
    let a = SizeClassAlloc::new();
    let mut rng = Rng(0x0123_4567_89AB_CDEF);
    let mut heap = Heap::default();
    let mut next_id = 1u32;
    let (mut allocs, mut reallocs, mut frees) = (0, 0, 0);
    unsafe {
        for _ in 0..4000 {
            let op = rng.below(10);
            if heap.0.is_empty() || op < 5 {
                let (size, align) = random_layout(&mut rng);
                let p = a.alloc(layout(size, align));
                assert!(!p.is_null(), "size {size} align {align}");
                assert_eq!(p as usize % align, 0, "size {size} align {align}");
                fill(p, 0, size, next_id);
                heap.insert(
                    p as usize,
                    Live {
                        size,
                        align,
                        id: next_id,
                    },
                );
                next_id += 1;
                allocs += 1;
                continue;
            }
            // A random live block: the k-th by address.
            let k = rng.below(heap.0.len() as u64) as usize;
            let p = *heap.0.keys().nth(k).unwrap();
            let block = heap.0.remove(&p).unwrap();
            assert!(
                holds(p as *const u8, block.size, block.id),
                "block {} corrupted",
                block.id
            );
            if op < 8 {
                // realloc: grow, shrink or stay, sometimes across many classes.
                let new_size = match rng.below(4) {
                    0 => 1 + rng.below(block.size as u64 * 2) as usize,
                    1 => block.size + 1,
                    2 => 1 + rng.below(300_000) as usize,
                    _ => (block.size / 2).max(1),
                };
                let q = a.realloc(p as *mut u8, layout(block.size, block.align), new_size);
                assert!(!q.is_null());
                assert_eq!(
                    q as usize % block.align,
                    0,
                    "realloc lost the alignment {}",
                    block.align
                );
                let kept = block.size.min(new_size);
                assert!(
                    holds(q, kept, block.id),
                    "realloc lost the contents of block {}",
                    block.id
                );
                fill(q, kept, new_size, block.id);
                heap.insert(
                    q as usize,
                    Live {
                        size: new_size,
                        ..block
                    },
                );
                reallocs += 1;
            } else {
                a.dealloc(p as *mut u8, layout(block.size, block.align));
                frees += 1;
            }
        }
        // Everything still live is intact, then freed; the allocator serves again after that.
        for (&p, block) in &heap.0 {
            assert!(
                holds(p as *const u8, block.size, block.id),
                "block {} corrupted",
                block.id
            );
            a.dealloc(p as *mut u8, layout(block.size, block.align));
        }
        let p = a.alloc(layout(24, 8));
        assert!(!p.is_null());
    }
    assert!(
        allocs > 1000 && reallocs > 500 && frees > 300,
        "{allocs} {reallocs} {frees}"
    );
}
