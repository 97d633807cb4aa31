// go-files: pattern 1, files opened and never closed. Leaky: opens a log file for
// appending, writes a line and keeps the *os.File, --rate times a second, until the
// open fails (prints "Error at file N: <error>", exits 3) or --duration ends (exit 0).
// Note the baseline: a Go 1.19 program holds 3 descriptors of its own (the runtime's
// epoll fd and its wake-up pipe) besides stdin/out/err, so under a nofile limit of
// 20000 it fails at file 19994 where a C program fails at 19997. --fixed: each file is
// closed after its write; open fds stay at the baseline.
package main

import (
	"fmt"
	"os"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-files",
	What:  "Pattern 1: files opened and never closed, until the open fails with EMFILE.",
	Leaky: "open --path (default test.log in the working directory, removed at exit), append a line, keep the file; \"Error at file N\" and exit 3 at the nofile limit",
	Fixed: "close each file after its write: fds stay flat",
	Unit:  "files",
	Rate:  10000, Duration: 3e9, Hold: -1, Path: new(string),
}

func main() {
	o := scn.Parse(desc)
	path := o.Path
	if path == "" {
		// In the working directory, as the article does: brink gives every
		// run a fresh one, so runs never share the file.
		path = "test.log"
	}
	rc := run(o, path)
	if o.Path == "" {
		os.Remove(path) // os.Exit skips deferred calls
	}
	os.Exit(rc)
}

func run(o scn.Opts, path string) int {
	var files []*os.File // what the leaky mode keeps and never closes
	p := scn.NewPacer(o)
	for p.Next() {
		i := p.Done - 1
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0644)
		if err != nil {
			fmt.Printf("Error at file %d: %v\n", i, err)
			if scn.Exhausted(err) {
				return scn.ExitExhausted
			}
			return scn.ExitFailure
		}
		if _, err := f.Write([]byte("Hello, World!\n")); err != nil {
			scn.Note(desc, "cannot write %s: %v", path, err)
		}
		if o.Fixed {
			f.Close()
		} else {
			files = append(files, f)
		}
	}
	if o.Fixed {
		fmt.Printf("opened and closed %d files without failure\n", p.Done)
	} else {
		fmt.Printf("kept %d files open without failure\n", len(files))
	}
	return scn.ExitOK
}
