internal import CGlibc

/// The C heap, as far as ingest needs to steer it.
///
/// Encoding a row group allocates and frees buffers of one to a few MiB (a row group's columns, page bodies and
/// their compressed copies), on two threads at once: the one that parses and the table writers'. With glibc's
/// defaults each thread gets an arena of its own, freed blocks wait in the arena that made them, and the mmap
/// threshold moves with every large free, so peak RSS drifted 20–50 MiB above the live set. Trimming the free pages
/// back (`malloc_trim`) kept the peak under 128 MiB but cost ~300,000 page faults a standard day (each chunk
/// touching returned pages again): a fifth of ingest's CPU. `configureForIngest()` instead gives the process one
/// arena, so what one thread frees the other reuses, and fixed thresholds, so large blocks come from that arena
/// and stay mapped; the live set then stays resident and the faults are gone (~20,000 a day). README,
/// "Performance", has the policies side by side.
enum HeapMemory {
    /// Free bytes inside malloc's arena that may stay resident before `releaseFreePages()` hands them back: a
    /// safety net (one arena reuses what it frees, so it rarely holds this much).
    static let slack = 64 << 20

    /// One arena; blocks under 32 MiB from the heap (never mmap'd and unmapped one by one); the top of the heap
    /// trimmed only beyond 64 MiB free. Applied once, before ingest starts its writer threads; a no-op off glibc.
    static func configureForIngest() {
        _ = configured
    }

    private static let configured: Bool = {
        _ = CGlibc_set(CGlibc_arenaMax, 1)
        _ = CGlibc_set(CGlibc_mmapThreshold, 32 << 20)
        _ = CGlibc_set(CGlibc_trimThreshold, 64 << 20)
        return true
    }()

    /// Returns whole free pages of malloc's arenas to the kernel (`malloc_trim(0)`) when more than `slack` bytes
    /// lie free; a no-op off glibc.
    static func releaseFreePages() {
        if CGlibc_free_bytes() > slack { _ = CGlibc_trim() }
    }
}
