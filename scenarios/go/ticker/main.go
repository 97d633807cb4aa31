// go-ticker: pattern 8, time.Ticker never stopped. Each unit is a polling task that
// creates a ticker (--period) for its loop and returns early without Stop. Before Go
// 1.23, the runtime's timer heap keeps every started ticker (and its channel)
// reachable until Stop is called, so the leaky mode's memory grows by a couple of
// hundred bytes per ticker, hence the high default rate. The outcome depends on the
// Go version: Go 1.23 made unreferenced tickers collectable even when not stopped, but
// only for modules whose go.mod says go 1.23 or later (GODEBUG asynctimerchan); this
// module says go 1.19, and the toolchain here is 1.19, so the leak shows. --fixed:
// defer t.Stop(): the timer leaves the heap and the ticker is collected: flat.
package main

import (
	"fmt"
	"os"
	"time"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-ticker",
	What:  "Pattern 8: time.Ticker never stopped (leaks before Go 1.23).",
	Leaky: "each task creates a ticker and returns without Stop: the timer heap keeps them all, memory grows",
	Fixed: "defer t.Stop(): tickers are collected, memory stays flat",
	Unit:  "tickers",
	Rate:  50000, Duration: 3e9, Max: 1000000, Period: time.Minute, Hold: -1,
}

// poll is a task that would watch something on every tick; this time it finds at once
// that there is nothing to do and returns early.
func poll(period time.Duration, stop bool) bool {
	t := time.NewTicker(period)
	if stop {
		defer t.Stop()
	}
	select {
	case <-t.C:
		return true
	default:
		return false // the early return: without Stop, t stays in the timer heap
	}
}

func main() {
	o := scn.Parse(desc)
	ticked := 0
	p := scn.NewPacer(o)
	for p.Next() {
		if poll(o.Period, o.Fixed) {
			ticked++
		}
	}
	how := "none stopped"
	if o.Fixed {
		how = "each stopped"
	}
	fmt.Printf("%d tickers created (%d ticked at once), %s\n", p.Done, ticked, how)
	os.Exit(scn.ExitOK)
}
