#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// glibc's malloc_trim(0): hands the free pages of every arena back to the kernel (madvise), not only the top of
// the main heap. Swift's Glibc module does not import <malloc.h>. Elsewhere a no-op that returns 0.
static inline int CMalloc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

// Bytes held free inside malloc's arenas (glibc's mallinfo2().fordblks): the most malloc_trim could hand back.
// Elsewhere 0.
static inline size_t CMalloc_free_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return mallinfo2().fordblks;
#else
    return 0;
#endif
}
// The mallopt settings ingest steers (HeapMemory in LakePipeline).
typedef enum { CMalloc_arenaMax, CMalloc_mmapThreshold, CMalloc_trimThreshold } CMalloc_setting;

// glibc's mallopt for one of those settings; returns 1 on success. Elsewhere a no-op that returns 0.
static inline int CMalloc_set(CMalloc_setting setting, int value) {
#if defined(__GLIBC__)
    switch (setting) {
    case CMalloc_arenaMax: return mallopt(M_ARENA_MAX, value);
    case CMalloc_mmapThreshold: return mallopt(M_MMAP_THRESHOLD, value);
    case CMalloc_trimThreshold: return mallopt(M_TRIM_THRESHOLD, value);
    }
#endif
    return 0;
}
#endif
