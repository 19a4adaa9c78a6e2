/* Wine 8 lacks bcryptprimitives.dll, where Rust's std finds ProcessPrng: this stand-in fills
   the buffer from RtlGenRandom (advapi32's SystemFunction036), which Wine has. Tests only. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
