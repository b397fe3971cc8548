/*
 * replay.c - run fuzz_http.c's checks over files, without libFuzzer: how the
 * seed corpus (and any crash a fuzzer found) becomes a regression test that
 * gcc, valgrind and the sanitizer build can run too.
 *
 *   replay FILE...     exit 0 if every input passed; a failure aborts
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	static uint8_t data[1 << 20];
	int i;

	LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;

		if (f == NULL) {
			perror(argv[i]);
			return 1;
		}
		n = fread(data, 1, sizeof(data), f);
		fclose(f);
		LLVMFuzzerTestOneInput(data, n);
	}
	printf("replay: %d inputs passed\n", argc - 1);
	return 0;
}
