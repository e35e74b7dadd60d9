/*
 * The replay driver: runs a harness on files, without libFuzzer, so that
 * `make test` can replay the committed corpora and crash inputs in a few
 * seconds with a build of plain gcc, ASan and UBSan.
 *
 *   fuzz_NAME-replay FILE|DIR...
 *
 * Each file is read into a buffer of exactly its size, as libFuzzer does,
 * so that ASan sees a read past the end. A directory is replayed file by
 * file in name order (subdirectories and dot files skipped). A sanitizer
 * report or a failed invariant ends the run, and the file is named.
 */

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sanitizer/common_interface_defs.h>
#include <sys/stat.h>
#include <unistd.h>


static void replay_died(void);
static void replay_abort(int sig);
static int replay_file(const char *path);
static int replay_dir(const char *path, size_t *n);
static int replay_name_cmp(const void *a, const void *b);


/* the input being run, for the report of a crash */
static const char  *replay_current;


int
main(int argc, char **argv)
{
    int          i;
    size_t       n;
    struct stat  st;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }

    __sanitizer_set_death_callback(replay_died);
    signal(SIGABRT, replay_abort);

    n = 0;

    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i],
                    strerror(errno));
            return 2;
        }

        if (S_ISDIR(st.st_mode)) {
            if (replay_dir(argv[i], &n) != 0) {
                return 2;
            }

            continue;
        }

        if (replay_file(argv[i]) != 0) {
            return 2;
        }

        n++;
    }

    printf("%s: %zu inputs replayed\n", argv[0], n);

    return 0;
}


static int
replay_dir(const char *path, size_t *n)
{
    DIR            *dir;
    char           *file, **names;
    size_t          i, count, cap, len;
    struct stat     st;
    struct dirent  *e;

    dir = opendir(path);
    if (dir == NULL) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }

    names = NULL;
    count = 0;
    cap = 0;

    while ((e = readdir(dir)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }

        if (count == cap) {
            cap = cap ? 2 * cap : 64;
            names = realloc(names, cap * sizeof(char *));
            FUZZ_CHECK(names != NULL);
        }

        names[count] = strdup(e->d_name);
        FUZZ_CHECK(names[count] != NULL);
        count++;
    }

    closedir(dir);

    if (count > 0) {
        qsort(names, count, sizeof(char *), replay_name_cmp);
    }

    for (i = 0; i < count; i++) {
        len = strlen(path) + 1 + strlen(names[i]) + 1;
        file = malloc(len);
        FUZZ_CHECK(file != NULL);
        snprintf(file, len, "%s/%s", path, names[i]);

        if (stat(file, &st) == 0 && S_ISREG(st.st_mode)) {
            if (replay_file(file) != 0) {
                return -1;
            }

            (*n)++;
        }

        free(file);
        free(names[i]);
    }

    free(names);

    return 0;
}


static int
replay_file(const char *path)
{
    FILE           *f;
    long            size;
    unsigned char  *data;

    f = fopen(path, "rb");
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        if (f != NULL) {
            fclose(f);
        }
        return -1;
    }

    data = malloc(size > 0 ? (size_t) size : 1);
    FUZZ_CHECK(data != NULL);

    if (size > 0 && fread(data, 1, (size_t) size, f) != (size_t) size) {
        fprintf(stderr, "%s: short read\n", path);
        fclose(f);
        free(data);
        return -1;
    }

    fclose(f);

    replay_current = path;
    LLVMFuzzerTestOneInput(data, (size_t) size);
    replay_current = NULL;
    free(data);

    return 0;
}


/* A sanitizer's report is over: say which input made it. */
static void
replay_died(void)
{
    if (replay_current != NULL) {
        fprintf(stderr, "replay: the input was %s\n", replay_current);
    }
}


/* A failed FUZZ_CHECK: the same, then the abort goes on. */
static void
replay_abort(int sig)
{
    if (replay_current != NULL) {
        (void) write(2, "replay: the input was ", 22);
        (void) write(2, replay_current, strlen(replay_current));
        (void) write(2, "\n", 1);
    }

    signal(sig, SIG_DFL);
    raise(sig);
}


static int
replay_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}
