#ifndef CISAL_SHIM_H
#define CISAL_SHIM_H
// Intel ISA-L: igzip (deflate and inflate, several times zlib's speed here) and its CRC-32.
#include <isa-l/igzip_lib.h>
#include <isa-l/crc.h>

// The buffer size ISA-L suggests for each deflate level (macros of expressions Swift does not import).
static inline unsigned int CIsal_levelBufferSize(unsigned int level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return ISAL_DEF_LVL0_DEFAULT;
    }
}
#endif
