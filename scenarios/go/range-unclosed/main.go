// go-range-unclosed: pattern 6, range over a channel that is never closed. Each job
// starts 5 producers that send one item each on a channel, and a consumer that ranges
// over the channel adding the items into a --size accumulator and marking each done on
// a WaitGroup; the job waits for the WaitGroup. Leaky: the job returns without closing
// the channel, so the consumer's range never ends: each job leaves a goroutine holding
// its channel and accumulator: memory grows by about --size per job. --fixed: close
// the channel after wg.Wait(): the range ends, the consumer returns.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"

	"brink/scenarios/internal/scn"
)

const items = 5

var desc = scn.Desc{
	Name:  "go-range-unclosed",
	What:  "Pattern 6: a consumer ranging over a channel that is never closed.",
	Leaky: "each job's consumer waits in range forever, holding a --size accumulator",
	Fixed: "close the channel after wg.Wait(): the consumer's range ends",
	Unit:  "jobs",
	Rate:  500, Duration: 3e9, Max: 8000, Size: 64 << 10, Hold: -1,
}

func job(size int64, closeAfter bool) {
	var wg sync.WaitGroup
	c := make(chan int, 1)
	for i := 1; i <= items; i++ {
		wg.Add(1)
		go func(v int) { c <- v }(i)
	}
	go func() {
		acc := make([]byte, size)
		scn.Touch(acc)
		for v := range c {
			acc[int64(v)%size] += byte(v)
			wg.Done()
		}
	}()
	wg.Wait()
	if closeAfter {
		close(c)
	}
}

func main() {
	o := scn.Parse(desc)
	p := scn.NewPacer(o)
	for p.Next() {
		job(o.Size, o.Fixed)
		// Collect every 10 jobs (20 ms at the default rate), in both modes: the
		// fixed mode makes 32 MiB/s of garbage, and without this its RSS swings
		// by several MiB with the collector's cycle. What the leak holds stays.
		if p.Done%10 == 0 {
			runtime.GC()
		}
	}
	fmt.Printf("%d jobs; %d goroutines still alive\n", p.Done, runtime.NumGoroutine()-1)
	os.Exit(scn.ExitOK)
}
