//! The wasm32 size-class allocator (`platform::allocator`): blocks are aligned, distinct while
//! live, keep their contents across `realloc`, and freed blocks are reused.
#![cfg(target_arch = "wasm32")]

use std::alloc::{GlobalAlloc, Layout};

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
