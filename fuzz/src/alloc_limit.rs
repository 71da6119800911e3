//! A global allocator that aborts on any allocation over a per-allocation or a live-total limit.
//! libFuzzer's `-malloc_limit_mb` needs a sanitizer's malloc hooks, and these targets run
//! without one (`-s none`), so the limit is enforced here. It aborts rather than failing the
//! allocation, so a decoder that tries `try_reserve` and recovers is still caught.

#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Limited {
    pub max_single: usize,
    pub max_live: usize,
    live: AtomicUsize,
}

impl Limited {
    pub const fn new(max_single: usize, max_live: usize) -> Self {
        Self { max_single, max_live, live: AtomicUsize::new(0) }
    }

    /// Counts `grows_by` more live bytes for an allocation that is `size` bytes in all.
    fn admit(&self, size: usize, grows_by: usize) {
        let live = self.live.fetch_add(grows_by, Ordering::Relaxed) + grows_by;
        if size > self.max_single || live > self.max_live {
            // Writing to stderr through a stack buffer: allocating here would recurse.
            let mut line = [0u8; 160];
            let mut cursor = std::io::Cursor::new(&mut line[..]);
            let _ = write!(
                cursor,
                "alloc_limit: {size} bytes requested with {live} live (limits {} single, {} live)\n",
                self.max_single, self.max_live
            );
            let end = cursor.position() as usize;
            let _ = std::io::stderr().write_all(&line[..end]);
            std::process::abort();
        }
    }
}

unsafe impl GlobalAlloc for Limited {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.admit(layout.size(), layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.admit(layout.size(), layout.size());
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.live.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            self.admit(new_size, new_size - layout.size());
        } else {
            self.live.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
