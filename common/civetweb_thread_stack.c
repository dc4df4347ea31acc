/* civetweb as Debian builds it (USE_STACK_SIZE=102400) starts its worker threads with 100 KiB
 * stacks, and there is no option to change that at run time. Request handlers parse PromQL, YAML
 * and templates recursively: a query of 50 nested parentheses overflowed such a stack and took the
 * ruler down, and in a sanitizer build a rule file's reload did. The programs export this
 * definition (see common/CMakeLists.txt), so civetweb's call reaches it before libc's; a smaller
 * size is raised to 8 MiB, the default of every other thread, reserved but touched only as used. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>

int pthread_attr_setstacksize(pthread_attr_t* attr, size_t size) {
    typedef int (*setstacksize)(pthread_attr_t*, size_t);
    static setstacksize libc_setstacksize;
    if (libc_setstacksize == NULL)
        libc_setstacksize = (setstacksize)dlsym(RTLD_NEXT, "pthread_attr_setstacksize");
    const size_t minimum = (size_t)8 << 20;
    return libc_setstacksize(attr, size < minimum ? minimum : size);
}
