//! The wasm32 size-class allocator out of memory: it grows the wasm memory to the engine's
//! limit (4 GiB, all of wasm32's address space, in Chromium and Firefox), where every request
//! it cannot serve is a null (a clean allocation error), and the heap stays sound: live blocks
//! keep their contents, freed blocks are reused, a failed `realloc` leaves its block as it was.
//!
//! Its own test file, hence its own wasm instance: the memory stays at the limit afterwards
//! (wasm memory never shrinks), which would starve other tests.
#![cfg(target_arch = "wasm32")]

use std::alloc::{GlobalAlloc, Layout};

use cognito_wasm::platform::allocator::SizeClassAlloc;
use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[wasm_bindgen_test]
fn out_of_memory_is_null_and_the_heap_stays_sound() {
    // Room for the test runner once memory is full: blocks of many classes, freed to the
    // global allocator's free lists.
    drop((0..12).map(|k| vec![0u8; 16 << k]).collect::<Vec<_>>());
    drop(
        (0..64)
            .map(|i| String::with_capacity(i * 8))
            .collect::<Vec<_>>(),
    );

    let a = SizeClassAlloc::new();
    unsafe {
        // Some live blocks with known contents.
        let small: Vec<(*mut u8, usize)> = (1..40)
            .map(|i| {
                let size = i * 37;
                let p = a.alloc(layout(size, 8));
                assert!(!p.is_null());
                core::ptr::write_bytes(p, i as u8, size);
                (p, size)
            })
            .collect();

        // Exhaust memory: ever smaller requests until even 16 bytes fail, so the memory ends
        // exactly at the engine's limit.
        let mut big = Vec::new();
        let mut size = 1usize << 30;
        while size >= 16 {
            let p = a.alloc(layout(size, 8));
            if p.is_null() {
                size /= 2;
                continue;
            }
            // Touch both ends: the block is real memory.
            *p = 0xA5;
            *p.add(size - 1) = 0x5A;
            big.push((p, size));
            assert!(big.len() < 10_000, "memory never ran out");
        }
        // The engine refuses to grow further (4 GiB in Chromium and Firefox; an engine may stop
        // lower), and what was reached is far beyond the 1 GiB class limit.
        assert_eq!(
            core::arch::wasm32::memory_grow(0, 1),
            usize::MAX,
            "memory is at its limit"
        );
        assert!(
            big.iter().map(|&(_, s)| s).sum::<usize>() >= 1 << 30,
            "memory limit below 1 GiB"
        );

        // Every big block is distinct and kept its ends.
        big.sort_unstable();
        for w in big.windows(2) {
            assert!(
                w[0].0 as usize + w[0].1 <= w[1].0 as usize,
                "overlapping blocks"
            );
        }
        for &(p, size) in &big {
            assert_eq!((*p, *p.add(size - 1)), (0xA5, 0x5A));
        }

        // Out of memory, requests are null and change nothing.
        assert!(a.alloc(layout(1 << 20, 8)).is_null());
        assert!(a.alloc(layout(16, 16)).is_null());
        let (p0, size0) = small[0];
        assert!(a.realloc(p0, layout(size0, 8), 1 << 20).is_null());
        for &(p, size) in &small {
            let i = size / 37;
            assert!(
                (0..size).all(|j| *p.add(j) == i as u8),
                "block {i} corrupted"
            );
        }

        // Freed blocks are served again, even with no memory left to grow.
        let (p1, size1) = small[1];
        a.dealloc(p1, layout(size1, 8));
        assert_eq!(a.alloc(layout(size1, 8)), p1);
        let (pb, sb) = big[big.len() / 2];
        a.dealloc(pb, layout(sb, 8));
        let again = a.alloc(layout(sb, 8));
        assert_eq!(again, pb);
        *again.add(sb - 1) = 1;

        // Everything back; the allocator still works.
        for &(p, size) in small.iter().chain(&big) {
            a.dealloc(p, layout(size, 8));
        }
        let p = a.alloc(layout(1000, 8));
        assert!(!p.is_null());
    }
}
