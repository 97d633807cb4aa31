// go-defer-loop: pattern 9, defer inside a loop. One call processes --max files (the
// loop's length, default 1000) at --rate files per second. Leaky: each iteration opens
// a file and defers its Close, and deferred calls run only when the function returns,
// so open fds climb to the loop's length and drop at the return; a loop longer than
// the nofile limit allows fails: it prints "Error at file N" and exits 3 at once, as
// log.Fatal would, so the deferred closes never run and the files are still open when
// the program exits (an observer sees the limit reached exactly). --fixed: the body of the
// loop is a function of its own, so its defer runs at the end of each iteration: fds
// stay flat. After the call the program holds for --hold so that an observer sees the
// drop, then exits 0.
package main

import (
	"fmt"
	"os"
	"time"

	"brink/scenarios/internal/scn"
)

var defaultPath = "/proc/self/stat"

var desc = scn.Desc{
	Name:  "go-defer-loop",
	What:  "Pattern 9: defer inside a loop holds every file until the function returns.",
	Leaky: "one call opens --max files with defer f.Close() in the loop: fds peak at the loop's length (\"Error at file N\", exit 3, if beyond the limit)",
	Fixed: "the loop body is its own function, so each file is closed in its iteration: fds stay flat",
	Unit:  "files (iterations of the loop)",
	Rate:  400, Duration: -1, Max: 1000, MaxHelp: "the loop's length `N` (>= 1)", Hold: 500e6, Path: &defaultPath,
}

var buf = make([]byte, 256)

// fatal reports the failed open and exits at once: deferred calls do not run.
func fatal(n int64, err error) {
	fmt.Printf("Error at file %d: %v\n", n, err)
	if scn.Exhausted(err) {
		os.Exit(scn.ExitExhausted)
	}
	os.Exit(scn.ExitFailure)
}

// readFiles is the leaky shape: every deferred Close waits for the return.
func readFiles(o scn.Opts) int64 {
	p := scn.NewPacer(o)
	for p.Next() {
		f, err := os.Open(o.Path)
		if err != nil {
			fatal(p.Done-1, err)
		}
		defer f.Close()
		if _, err := f.Read(buf); err != nil {
			scn.Note(desc, "cannot read %s: %v", o.Path, err)
		}
	}
	return p.Done
}

// readOne is the fixed shape's loop body: its defer runs when it returns.
func readOne(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Read(buf); err != nil {
		scn.Note(desc, "cannot read %s: %v", path, err)
	}
	return nil
}

func readFilesFixed(o scn.Opts) int64 {
	p := scn.NewPacer(o)
	for p.Next() {
		if err := readOne(o.Path); err != nil {
			fatal(p.Done-1, err)
		}
	}
	return p.Done
}

func main() {
	o := scn.Parse(desc)
	if o.Max == 0 {
		fmt.Fprintf(os.Stderr, "%s: --max: the loop needs a length >= 1\n", desc.Name)
		os.Exit(scn.ExitUsage)
	}
	read := readFiles
	if o.Fixed {
		read = readFilesFixed
	}
	n := read(o)
	how := "closing all at the return"
	if o.Fixed {
		how = "closing each in its iteration"
	}
	fmt.Printf("processed %d files, %s\n", n, how)
	time.Sleep(o.Hold)
	os.Exit(scn.ExitOK)
}
