/*
 * The shared budget file parser: lines "SECOND COUNT" and
 * "blocked UNTIL", torn or garbled.  A block is only ever in the
 * future and within a day.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "budget.h"

static const long long nows[] = { 1700000000LL, 1700000299LL, 10LL };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*buf;
	long long	 blocked;
	size_t		 i;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
		blocked = -1;
		(void)budget_parse(buf, nows[i], &blocked);
		if (blocked != 0 && (blocked <= nows[i] ||
		    blocked >= nows[i] + 86400))
			abort();
	}
	free(buf);
	return 0;
}
