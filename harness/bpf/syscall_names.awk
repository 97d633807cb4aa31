# syscall_names.awk - the kernel's asm/unistd_64.h (#define __NR_name number) to a
# C table of names indexed by number, for harness/syswatch.c. Run at build time;
# -v suffix=32 names the table of asm/unistd_32.h (syswatch_syscall_names32).
/^#define __NR_[a-z0-9_]+ [0-9]+$/ {
	name = substr($2, 6)
	nr = $3 + 0
	names[nr] = name
	if (nr + 1 > count)
		count = nr + 1
}
END {
	print "/* Generated from " FILENAME " by harness/bpf/syscall_names.awk: do not edit. */"
	print "const int syswatch_syscall_count" suffix " = " count ";"
	print "const char *const syswatch_syscall_names" suffix "[" count "] = {"
	for (i = 0; i < count; i++)
		if (i in names)
			printf "    [%d] = \"%s\",\n", i, names[i]
	print "};"
}
