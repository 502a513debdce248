/*
 * Small helpers every module uses: errors and bounded strings.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cf.h"

enum lang cf_lang = LANG_EN;

static long long	 deadline;

long long
mono_ms(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

void
deadline_start(long long ms)
{
	deadline = mono_ms() + ms;
}

long long
deadline_left(void)
{
	long long	 left;

	if (deadline == 0)
		deadline_start(CF_DEADLINE_MS);
	left = deadline - mono_ms();
	return left > 0 ? left : 0;
}

void
err_vset(struct err *e, const char *type, const char *object,
    const char *fmt, va_list ap)
{
	if (e == NULL)
		return;
	cf_strlcpy(e->type, type ? type : "internal", sizeof(e->type));
	cf_strlcpy(e->object, object ? object : "", sizeof(e->object));
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

void
err_set(struct err *e, const char *type, const char *object,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	err_vset(e, type, object, fmt, ap);
	va_end(ap);
}

void
err_clear(struct err *e)
{
	memset(e, 0, sizeof(*e));
}

int
err_isset(const struct err *e)
{
	return e->msg[0] != '\0';
}

/*
 * The valid UTF-8 sequence at p (at most avail bytes): its length and
 * code point, or 0 when it is overlong, a surrogate, beyond U+10FFFF,
 * cut short or not UTF-8 at all.  The one decoder every module uses.
 */
size_t
utf8_decode(const char *s, size_t avail, unsigned int *cp)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;
	unsigned int		 c;

	if (avail == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	} else if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

size_t
cf_strlcpy(char *dst, const char *src, size_t size)
{
	size_t	 len = strlen(src);

	if (size > 0) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* snprintf that reports truncation as failure: -1, or the length. */
int
cf_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}
