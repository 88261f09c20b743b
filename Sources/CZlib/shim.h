// zlib, seen from Swift. The macros deflateInit2/inflateInit2 expand to calls that need
// ZLIB_VERSION and sizeof(z_stream); Swift cannot call macros, so they are wrapped here.
#ifndef MOBIUS_CZLIB_SHIM_H
#define MOBIUS_CZLIB_SHIM_H
#include <zlib.h>

static inline int czlib_deflateInit2(z_streamp strm, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, strategy);
}

static inline int czlib_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
