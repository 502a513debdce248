/*
 * The panel-style log.  One line per write(2) with O_APPEND, so lines
 * from concurrent handlers never interleave.  The file is 0600: it
 * names users and zones.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cf.h"
#include "log.h"

static int	 logfd = -1;

void
log_open(const char *path)
{
	if (logfd != -1 || path == NULL || *path == '\0')
		return;
	logfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
}

void
log_close(void)
{
	if (logfd != -1)
		close(logfd);
	logfd = -1;
}

static void
log_line(const char *level, const char *fmt, va_list ap)
{
	char		 line[2048], stamp[32];
	time_t		 now;
	struct tm	 tm;
	int		 n, m;
	size_t		 i;

	if (logfd == -1)
		return;
	now = time(NULL);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s [%ld] cloudflare %s ", stamp,
	    (long)getpid(), level);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	m = vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	if (m < 0)
		return;
	if ((size_t)m >= sizeof(line) - n - 1)
		m = (int)(sizeof(line) - n - 2);
	/* One record per line: no newlines or control bytes from data. */
	for (i = (size_t)n; i < (size_t)(n + m); i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = ' ';
	line[n + m] = '\n';
	if (write(logfd, line, (size_t)(n + m + 1)) < 0)
		return;
}

#define LOG_FN(name, level)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list	 ap;						\
	va_start(ap, fmt);					\
	log_line(level, fmt, ap);				\
	va_end(ap);						\
}

LOG_FN(log_info, "INFO")
LOG_FN(log_warn, "WARNING")
LOG_FN(log_error, "ERROR")
LOG_FN(log_debug, "DEBUG")
