/*
 * The token file parser: every field bounded and NUL-terminated
 * whatever the file holds, and the mask never shows more than four
 * characters of the token.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cf.h"
#include "store.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tokrec	 rec;
	struct err	 err;
	char		 mask[64];

	err_clear(&err);
	if (store_parse_token((const char *)data, size, &rec, &err) == -1) {
		if (!err_isset(&err))
			abort();
		return 0;
	}
	if (rec.token[0] == '\0' ||
	    strnlen(rec.token, sizeof(rec.token)) == sizeof(rec.token) ||
	    strnlen(rec.id, sizeof(rec.id)) == sizeof(rec.id) ||
	    strnlen(rec.status, sizeof(rec.status)) == sizeof(rec.status) ||
	    strnlen(rec.expires, sizeof(rec.expires)) == sizeof(rec.expires) ||
	    strnlen(rec.kind, sizeof(rec.kind)) == sizeof(rec.kind) ||
	    strnlen(rec.account, sizeof(rec.account)) == sizeof(rec.account) ||
	    strnlen(rec.verified, sizeof(rec.verified)) ==
	    sizeof(rec.verified))
		abort();
	token_mask(rec.token, mask, sizeof(mask));
	if (strlen(rec.token) >= 8 && strstr(mask, rec.token) != NULL)
		abort();
	explicit_bzero(&rec, sizeof(rec));
	return 0;
}
