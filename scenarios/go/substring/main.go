// go-substring: pattern 3, substrings that pin large strings. Each unit builds a
// --size string (default 1 MiB) and keeps a 50-byte piece of it in a package-level
// slice. Leaky: the piece is s[:50], which shares the large string's memory, so the
// whole string stays reachable: RSS grows by --size per unit. --fixed: the piece is
// strings.Clone(s[:50]), a copy of its own, and the large string becomes garbage: RSS
// stays flat (the pieces add ~64 bytes each). Stops after --duration or --max units.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"

	"brink/scenarios/internal/scn"
)

const piece = 50

var desc = scn.Desc{
	Name:  "go-substring",
	What:  "Pattern 3: small substrings that keep their large strings alive.",
	Leaky: "keep s[:50] of each --size string: the whole string stays reachable, RSS grows by --size per unit",
	Fixed: "keep strings.Clone(s[:50]): the large strings are collected, RSS stays flat",
	Unit:  "large strings",
	Rate:  50, Duration: 3e9, Max: 400, Size: 1 << 20, Hold: -1,
}

// kept is what the program goes on using: only the small pieces.
var kept []string

// makeString builds a large string in one allocation (strings.Builder hands over its
// buffer without copying it), so each unit makes exactly one --size block.
func makeString(size int64, seed int64) string {
	var b strings.Builder
	b.Grow(int(size))
	for i := int64(0); i < size; i++ {
		b.WriteByte(byte('a' + (i*7+seed)%26))
	}
	return b.String()
}

func main() {
	o := scn.Parse(desc)
	if o.Size < piece {
		fmt.Fprintf(os.Stderr, "%s: --size: must be at least %d bytes\n", desc.Name, piece)
		os.Exit(scn.ExitUsage)
	}
	p := scn.NewPacer(o)
	for p.Next() {
		s := makeString(o.Size, p.Done)
		if o.Fixed {
			kept = append(kept, strings.Clone(s[:piece]))
		} else {
			kept = append(kept, s[:piece])
		}
		// Collect after every string, in both modes, so RSS follows what is
		// reachable rather than when a busy machine gets round to a GC cycle: the
		// pinned strings stay, the garbage goes, and the next string reuses its
		// pages. Cheap here: the heap is a few pointer-free blocks.
		runtime.GC()
	}
	total := 0
	for _, k := range kept {
		total += len(k)
	}
	how := "pinning their large strings"
	if o.Fixed {
		how = "as copies"
	}
	fmt.Printf("kept %d pieces of %d bytes (%d bytes of text) %s\n", len(kept), piece, total, how)
	os.Exit(scn.ExitOK)
}
