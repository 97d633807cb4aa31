/* quote.h - text quoted for the formats brink writes scripts and pages in:
 * gnuplot scripts (plot.c, curves.c) and HTML (report.c, curves.c). One
 * writer per format, so that every page escapes the same characters.
 */
#ifndef BRINK_QUOTE_H
#define BRINK_QUOTE_H

#include <stdio.h>

/* s as a gnuplot single-quoted string, quotes included: gnuplot processes no
 * escape inside one, and a quote in s is written twice (gnuplot's "help
 * syntax"). */
void quote_gnuplot(FILE *f, const char *s);

/* The line of a page script that names its output: set output
 * 'data/<page>.<ext>.part', quoted as above. A page is drawn under that name and
 * moved to <page>.<ext> by plot_write() once complete (plot.h says why). */
void quote_gnuplot_output(FILE *f, const char *page, const char *ext);

/* s as HTML text, safe in element content and in a quoted attribute value:
 * & < > " ' become &amp; &lt; &gt; &quot; &#39; (the HTML Standard, "Serializing
 * HTML fragments", escapes these in attribute mode); other bytes as they are. */
void quote_html(FILE *f, const char *s);

#endif
