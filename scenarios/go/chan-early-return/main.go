// go-chan-early-return: pattern 5, a goroutine blocked forever sending on an
// unbuffered channel whose receiver returned early. Each call starts a worker that
// computes a --size result and sends it on a channel; 7 calls in 8 then return early
// (as if a check failed) without receiving. Leaky: the channel is unbuffered, so each
// abandoned worker blocks in its send forever, keeping its stack and its result:
// memory grows by about --size per early return. --fixed: make(chan []byte, 1): the
// send completes into the buffer, the worker ends, channel and result are collected.
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-chan-early-return",
	What:  "Pattern 5: a sender blocked forever on an unbuffered channel after an early return.",
	Leaky: "unbuffered channel: each early return leaves a goroutine blocked in send holding its --size result",
	Fixed: "a buffer of one: the send completes and the worker ends",
	Unit:  "calls",
	Rate:  500, Duration: 3e9, Max: 8000, Size: 64 << 10, Hold: -1,
}

var errSkipped = errors.New("result not needed")

// call is the article's shape: start the work, then maybe return before receiving.
func call(i int64, size int64, buffered bool) ([]byte, error) {
	var c chan []byte
	if buffered {
		c = make(chan []byte, 1)
	} else {
		c = make(chan []byte)
	}
	go func() {
		result := make([]byte, size)
		scn.Touch(result)
		c <- result
	}()
	if i%8 != 7 {
		return nil, errSkipped // the early return: nobody will ever receive from c
	}
	return <-c, nil
}

func main() {
	o := scn.Parse(desc)
	var received int64
	p := scn.NewPacer(o)
	for p.Next() {
		if r, err := call(p.Done-1, o.Size, o.Fixed); err == nil {
			received += int64(len(r))
		}
		// Collect every 10 calls (20 ms at the default rate), in both modes: the
		// fixed mode makes 32 MiB/s of garbage, and without this its RSS swings
		// by several MiB with the collector's cycle. What the leak holds stays.
		if p.Done%10 == 0 {
			runtime.GC()
		}
	}
	fmt.Printf("%d calls, %d returned early (%d bytes received); %d goroutines still alive\n",
		p.Done, p.Done-p.Done/8, received, runtime.NumGoroutine()-1)
	os.Exit(scn.ExitOK)
}
