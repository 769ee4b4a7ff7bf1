#ifndef CGLIBC_SHIM_H
#define CGLIBC_SHIM_H
#include <stdint.h>
#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

// glibc's malloc_trim(0): hands the free pages of every arena back to the kernel (madvise), not only the top of
// the main heap. Swift's Glibc module does not import <malloc.h>. Elsewhere a no-op that returns 0.
static inline int CGlibc_trim(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}

// Bytes held free inside malloc's arenas (glibc's mallinfo2().fordblks): the most malloc_trim could hand back.
// Elsewhere 0.
static inline size_t CGlibc_free_bytes(void) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    return mallinfo2().fordblks;
#else
    return 0;
#endif
}
// The mallopt settings ingest steers (HeapMemory in LakePipeline).
typedef enum { CGlibc_arenaMax, CGlibc_mmapThreshold, CGlibc_trimThreshold } CGlibc_setting;

// glibc's mallopt for one of those settings; returns 1 on success. Elsewhere a no-op that returns 0.
static inline int CGlibc_set(CGlibc_setting setting, int value) {
#if defined(__GLIBC__)
    switch (setting) {
    case CGlibc_arenaMax: return mallopt(M_ARENA_MAX, value);
    case CGlibc_mmapThreshold: return mallopt(M_MMAP_THRESHOLD, value);
    case CGlibc_trimThreshold: return mallopt(M_TRIM_THRESHOLD, value);
    }
#endif
    return 0;
}

// syncfs(2): writes back every dirty page and metadata change of the file system holding `fd` and waits for the
// device, in one journal commit. Since Linux 5.8 it also reports a write-back error met by any file of that file
// system since `fd` was opened (or since its last syncfs). Declared here because Swift's Glibc module leaves out
// <unistd.h>'s _GNU_SOURCE functions. Elsewhere -1 with errno ENOSYS.
// sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE): starts writing the file's dirty pages back without waiting
// for them, so that a later syncfs finds less to write. No durability of its own. Elsewhere a no-op.
#if defined(__linux__)
extern int syncfs(int fd);
static inline int CGlibc_syncfs(int fd) { return syncfs(fd); }
extern int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags);
static inline int CGlibc_start_writeback(int fd) { return sync_file_range(fd, 0, 0, 2 /* SYNC_FILE_RANGE_WRITE */); }
#else
#include <errno.h>
static inline int CGlibc_syncfs(int fd) { (void)fd; errno = ENOSYS; return -1; }
static inline int CGlibc_start_writeback(int fd) { (void)fd; return 0; }
#endif
#endif
