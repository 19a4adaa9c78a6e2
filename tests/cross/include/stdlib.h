/* For the cross check only (scripts/check-cross): what ring's C code takes from <stdlib.h>
   when compiled for the MSVC target, which has no Windows SDK here. Never linked. */
unsigned long _byteswap_ulong(unsigned long value);
