// go-goroutine: pattern 4, goroutines that never end. Leaky: starts --rate goroutines
// a second that each sleep for an hour: every one keeps its stack (a few KiB) and its
// timer, so memory grows by tens of MiB a second, until a memory limit kills the
// program (OOM) or --duration / --max ends it (exit 0). The lesson: the Go leak shows
// in memory, not in OS threads, which stay at a handful (goroutines are multiplexed on
// them). --fixed: each goroutine sleeps 1 ms and returns: a few dozen are alive at a
// time and memory stays flat. (The runtime keeps dead goroutines for reuse, as many as
// were ever alive at once, so a longer life makes that pool, and RSS, creep up for a
// while as the peak of concurrent goroutines sets new records.)
package main

import (
	"fmt"
	"os"
	"runtime"
	"time"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-goroutine",
	What:  "Pattern 4: goroutines that never end.",
	Leaky: "start goroutines that sleep for an hour: memory grows (threads do not) until a limit or --duration/--max",
	Fixed: "each goroutine sleeps 1 ms and returns: memory stays flat",
	Unit:  "goroutines",
	Rate:  20000, Duration: 3e9, Max: 150000, Hold: -1,
}

func main() {
	o := scn.Parse(desc)
	life := time.Hour
	if o.Fixed {
		life = time.Millisecond
	}
	p := scn.NewPacer(o)
	for p.Next() {
		go func() {
			time.Sleep(life)
		}()
	}
	fmt.Printf("started %d goroutines, %d alive\n", p.Done, runtime.NumGoroutine()-1)
	os.Exit(scn.ExitOK)
}
