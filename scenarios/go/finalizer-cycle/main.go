// go-finalizer-cycle: pattern 7, runtime.SetFinalizer on objects that reference each
// other. Each unit builds two nodes pointing at each other, each with a --size/2
// payload, and drops them. Leaky: both nodes have a finalizer; the collector must run
// a finalizer before freeing its object and everything the object references, so in
// a cycle neither can go first: the pair and its payloads are never freed and the
// finalizers never run: memory grows by --size per unit. --fixed: the nodes carry no
// finalizer; the finalizer sits on a separate handle that owns the pair and is not
// part of the cycle: the handle is finalized, then the cycle collected: flat.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync/atomic"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-finalizer-cycle",
	What:  "Pattern 7: SetFinalizer on objects in a cycle: never collected.",
	Leaky: "two nodes point at each other, both with a finalizer: never freed, memory grows by --size per pair",
	Fixed: "the finalizer is on a handle outside the cycle: pairs are collected, memory stays flat",
	Unit:  "pairs",
	Rate:  500, Duration: 3e9, Max: 8000, Size: 64 << 10, Hold: -1,
}

type node struct {
	peer    *node
	payload []byte
}

type handle struct{ pair *node }

var finalized atomic.Int64

func finalize[T any](*T) { finalized.Add(1) }

func newNode(size int64) *node {
	n := &node{payload: make([]byte, size)}
	scn.Touch(n.payload)
	return n
}

func makePair(size int64, fixed bool) {
	a, b := newNode(size/2), newNode(size-size/2)
	a.peer, b.peer = b, a
	if fixed {
		runtime.SetFinalizer(&handle{pair: a}, finalize[handle])
		return
	}
	runtime.SetFinalizer(a, finalize[node])
	runtime.SetFinalizer(b, finalize[node])
}

func main() {
	o := scn.Parse(desc)
	if o.Size < 2 {
		fmt.Fprintf(os.Stderr, "%s: --size: must be at least 2 bytes\n", desc.Name)
		os.Exit(scn.ExitUsage)
	}
	p := scn.NewPacer(o)
	for p.Next() {
		makePair(o.Size, o.Fixed)
		// A finalized object is freed one collection after its finalizer ran, so
		// collectable pairs outlive two cycles; collecting every 10 pairs (20 ms at
		// the default rate), in both modes, keeps the fixed mode's RSS sawtooth
		// within a few MiB. The leaky pairs survive every collection.
		if p.Done%10 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	runtime.GC()
	fmt.Printf("%d pairs dropped, %d finalizers run\n", p.Done, finalized.Load())
	os.Exit(scn.ExitOK)
}
