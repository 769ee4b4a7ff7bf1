internal import CMalloc

/// The C heap, as far as ingest needs to steer it.
///
/// Encoding a row group allocates and frees buffers of one to a few MiB (row-group columns, a sorted copy, page
/// candidates). glibc serves them from its arenas once the first frees have raised its mmap threshold, and the
/// freed pages stay resident between live blocks, so peak RSS drifted 20–30 MiB above the live set (119–140 MiB).
/// Handing the free pages back keeps it flat and under 128 MiB; doing it only once more than `slack` lies free
/// saves most of its cost, the page faults when the next chunk touches the pages again (standard day, A B A B:
/// trimming after every chunk 97 MiB for ~1 s more CPU; with 32 MiB of slack 106 MiB for ~0.4 s; never, 119–124
/// MiB. 10x workload with 32 MiB of slack: 115 MiB. README, "Performance").
enum HeapMemory {
    /// Free bytes inside malloc's arenas that may stay resident.
    static let slack = 32 << 20

    /// Returns whole free pages of every malloc arena to the kernel (`malloc_trim(0)`) when more than `slack` bytes
    /// lie free; a no-op off glibc.
    static func releaseFreePages() {
        if CMalloc_free_bytes() > slack { _ = CMalloc_trim() }
    }
}
