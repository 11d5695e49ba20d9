/* A recording stub for the bash oracle (tests/system/bash_oracle.py): every
 * external program a line runs is this file under the program's name. It
 * appends one JSON line to /.o/log -- argv, working directory, and where
 * fds 0, 1 and 2 point -- and does nothing else: no output, no input read,
 * exit status $ORACLE_RC (0 when unset). A program whose output guardsh
 * computes itself (cat, base64, xxd: they only read and print) is also
 * present in /.r: after recording, the stub runs it, so that
 * $(echo x | base64 -d) means in the sandbox what guardsh says it means.
 * "exe" is the stub's own path, which `exec -a NAME` does not change. Bytes >= 0x80 are written as
 * \u00XX (latin-1); the reader turns them back into the original bytes. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *out;
static size_t used, size;

static void put(const char *s, size_t n) {
    if (used + n + 1 > size) {
        size = (used + n + 1) * 2;
        out = realloc(out, size);
        if (!out) _exit(70);
    }
    memcpy(out + used, s, n);
    used += n;
}

static void put_string(const char *s) {
    put("\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(esc, 2);
        } else if (*p < 0x20 || *p >= 0x7f) {
            snprintf(esc, sizeof esc, "\\u%04x", *p);
            put(esc, 6);
        } else {
            put((const char *)p, 1);
        }
    }
    put("\"", 1);
}

int main(int argc, char **argv) {
    const char *rc = getenv("ORACLE_RC");
    int status = rc ? atoi(rc) : 0;
    int log = open("/.o/log", O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    struct stat st;
    /* A loop bounded only at run time would fill the disk: stop recording. */
    if (log < 0 || fstat(log, &st) != 0 || st.st_size > (1 << 20))
        return status;
    put("{\"argv\":[", 9);
    for (int i = 0; i < argc; i++) {
        if (i) put(",", 1);
        put_string(argv[i]);
    }
    char buf[4096];
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[len < 0 ? 0 : len] = 0;
    put("],\"exe\":", 8);
    put_string(exe);
    put(",\"cwd\":", 7);
    put_string(getcwd(buf, sizeof buf) ? buf : "?");
    put(",\"fd\":[", 7);
    for (int fd = 0; fd < 3; fd++) {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t n = readlink(link, buf, sizeof buf - 1);
        buf[n < 0 ? 0 : n] = 0;
        if (fd) put(",", 1);
        put_string(n < 0 ? "closed" : buf);
    }
    put("]}\n", 3);
    if (write(log, out, used) < 0)
        return 71;
    close(log);
    const char *base = strrchr(exe, '/');
    char real[4200];
    snprintf(real, sizeof real, "/.r/%s", base ? base + 1 : exe);
    if (access(real, X_OK) == 0)
        execv(real, argv);
    return status;
}
