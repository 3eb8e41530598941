/* What Debian's glibc-built libc++abi.a and libunwind.a call that musl does
 * not have: the _FORTIFY_SOURCE variants of fprintf, reached only from
 * abort messages and the unwinder's debug logging. Linked into each binary
 * of a musl build (cmake/musl-clang.cmake). */
#include <stdarg.h>
#include <stdio.h>

int __vfprintf_chk(FILE* stream, int flag, const char* format, va_list args) {
  (void)flag;
  return vfprintf(stream, format, args);
}

int __fprintf_chk(FILE* stream, int flag, const char* format, ...) {
  (void)flag;
  va_list args;
  va_start(args, format);
  int written = vfprintf(stream, format, args);
  va_end(args);
  return written;
}
