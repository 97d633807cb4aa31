/* quote.c - text quoted for gnuplot scripts and HTML pages (quote.h). */
#include "quote.h"

#include <limits.h>

void quote_gnuplot(FILE *f, const char *s)
{
	putc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			putc('\'', f);
		putc(*s, f);
	}
	putc('\'', f);
}

void quote_gnuplot_output(FILE *f, const char *page, const char *ext)
{
	char out[PATH_MAX];
	snprintf(out, sizeof(out), "data/%s.%s.part", page, ext);
	fputs("set output ", f);
	quote_gnuplot(f, out);
	putc('\n', f);
}

void quote_html(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			putc(*s, f);
		}
	}
}
