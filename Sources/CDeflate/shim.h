#ifndef CDEFLATE_SHIM_H
#define CDEFLATE_SHIM_H
// libdeflate, for its CRC-32 only (carry-less multiplication where the CPU has it).
#include <libdeflate.h>
#endif
