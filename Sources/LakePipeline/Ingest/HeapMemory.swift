internal import CMalloc

/// The C heap, as far as ingest needs to steer it.
///
/// Encoding a row group allocates and frees buffers of one to a few MiB (row-group columns, a sorted copy, page
/// candidates). glibc serves them from its arenas once the first frees have raised its mmap threshold, and the
/// freed pages stay resident between live blocks, so peak RSS drifted 20–30 MiB above the live set. Handing the
/// free pages back after each chunk of rows the writer takes keeps peak RSS flat and under 128 MiB (standard day:
/// 126–131 → 105–108 MiB; 10x workload: 131–140 → 110–114 MiB) for a few percent more CPU, page faults when
/// the next chunk touches the pages again (README, "Performance").
enum HeapMemory {
    /// Returns whole free pages of every malloc arena to the kernel (`malloc_trim(0)`); a no-op off glibc.
    static func releaseFreePages() {
        _ = CMalloc_trim()
    }
}
