// Package scn holds what every Go scenario shares: the exit codes (the same numbers as
// the C scenarios' scenario.h), the common command line, a pacer, and the periodic
// memory reclaim that keeps the fixed variants' RSS flat.
//
// Exit codes:
//
//	ExitOK        0  stopped at its own bound (--duration, --max) or finished
//	ExitFailure   1  could not set up (e.g. the loopback server could not listen)
//	ExitUsage     2  bad option or value (the flag package's own code for it)
//	ExitExhausted 3  stopped because a resource limit refused it (EMFILE...), after
//	                 printing "Error at <unit> N: <error>" on stdout
package scn

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	ExitOK        = 0
	ExitFailure   = 1
	ExitUsage     = 2
	ExitExhausted = 3
)

// Desc describes a scenario program for --help and gives its defaults.
type Desc struct {
	Name  string // binary name, e.g. "go-files"
	What  string // the pattern, one sentence
	Leaky string // what the default mode does and what an observer sees
	Fixed string // what --fixed does
	Unit  string // what --rate and --max count

	Rate     float64       // default units per second (0 = unpaced)
	Duration time.Duration // default time bound (0 = none); -1 = the program has no --duration
	Max      int64         // default bound on units (0 = none)
	Size     int64         // default bytes per unit; 0 = the program has no --size
	Period   time.Duration // default timer period; 0 = the program has no --period
	Hold     time.Duration // default hold; -1 = the program has no --hold
	Path     *string       // default --path; nil = the program has no --path
	MaxHelp  string        // replaces the generic --max help when set
}

// Opts are the parsed options.
type Opts struct {
	Fixed    bool
	Rate     float64
	Duration time.Duration
	Max      int64
	Size     int64
	Period   time.Duration
	Hold     time.Duration
	Path     string
	Given    map[string]bool // options set on the command line
}

// sizeFlag parses 4096, 64K, 1M, 1G.
type sizeFlag struct{ v *int64 }

func (s sizeFlag) String() string {
	if s.v == nil {
		return ""
	}
	return strconv.FormatInt(*s.v, 10)
}

func (s sizeFlag) Set(text string) error {
	mult := int64(1)
	num := text
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}} {
		if strings.HasSuffix(text, u.suffix) {
			num, mult = strings.TrimSuffix(text, u.suffix), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n > (1<<62)/mult {
		return fmt.Errorf("expected a size >= 1 such as 4096, 64K, 1M")
	}
	*s.v = n * mult
	return nil
}

// Parse reads the command line (the flag package accepts --name and -name). On a bad
// option it exits with ExitUsage, on --help with ExitOK.
func Parse(d Desc) Opts {
	o := Opts{Rate: d.Rate, Duration: d.Duration, Max: d.Max, Size: d.Size,
		Period: d.Period, Hold: d.Hold, Given: map[string]bool{}}
	fs := flag.NewFlagSet(d.Name, flag.ContinueOnError)
	fs.BoolVar(&o.Fixed, "fixed", false, d.Fixed)
	fs.Float64Var(&o.Rate, "rate", d.Rate, "`N` "+d.Unit+" per second (0 = as fast as possible)")
	if d.Duration >= 0 {
		fs.DurationVar(&o.Duration, "duration", d.Duration, "stop after `D` (500ms, 3s, 1m; 0 = no time bound)")
	} else {
		o.Duration = 0
	}
	maxHelp := "stop after `N` " + d.Unit + " (0 = no bound)"
	if d.MaxHelp != "" {
		maxHelp = d.MaxHelp
	}
	fs.Int64Var(&o.Max, "max", d.Max, maxHelp)
	if d.Size > 0 {
		fs.Var(sizeFlag{&o.Size}, "size", "bytes per unit (`SIZE`: 4096, 64K, 1M)")
	}
	if d.Period > 0 {
		fs.DurationVar(&o.Period, "period", d.Period, "timer period `D`")
	}
	if d.Hold >= 0 {
		fs.DurationVar(&o.Hold, "hold", d.Hold, "keep what was obtained for `D` before exiting")
	}
	if d.Path != nil {
		fs.StringVar(&o.Path, "path", *d.Path, "`FILE` to open")
	}
	// The flag package's own messages and usage go nowhere: errors are reported below
	// with the program's name, and --help prints the text of usage() on stdout.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	if err := fs.Parse(os.Args[1:]); err != nil {
		if err == flag.ErrHelp {
			usage(fs, d)
			os.Exit(ExitOK)
		}
		fmt.Fprintf(os.Stderr, "%s: %v\n%s: try --help\n", d.Name, err, d.Name)
		os.Exit(ExitUsage)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q\n", d.Name, fs.Arg(0))
		os.Exit(ExitUsage)
	}
	bad := ""
	switch {
	case o.Rate < 0:
		bad = "--rate: must be >= 0"
	case o.Duration < 0:
		bad = "--duration: must be >= 0"
	case o.Max < 0:
		bad = "--max: must be >= 0"
	case d.Period > 0 && o.Period <= 0:
		bad = "--period: must be > 0"
	case d.Hold >= 0 && o.Hold < 0:
		bad = "--hold: must be >= 0"
	}
	if bad != "" {
		fmt.Fprintf(os.Stderr, "%s: %s\n", d.Name, bad)
		os.Exit(ExitUsage)
	}
	fs.Visit(func(f *flag.Flag) { o.Given[f.Name] = true })
	return o
}

// usage prints the --help text on stdout, in the same layout as the C scenarios'.
func usage(fs *flag.FlagSet, d Desc) {
	fmt.Printf("usage: %s [--fixed] [options]\n\n%s\n\n", d.Name, d.What)
	wrapped("(leaky)", d.Leaky)
	fs.VisitAll(func(f *flag.Flag) {
		arg, help := flag.UnquoteUsage(f)
		label := "--" + f.Name
		if arg != "" {
			label += " " + arg
		}
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			def := f.DefValue
			if def == "" {
				def = "(see above)"
			}
			help += "; default " + def
		}
		wrapped(label, help)
	})
	wrapped("--help", "this text")
	fmt.Printf("\nUnits counted by --rate and --max: %s.\n", d.Unit)
	fmt.Printf("Exit status: 0 stopped at its own bound or finished; 1 could not set up;\n" +
		"2 bad option; 3 stopped by a resource limit (after printing \"Error at ...\").\n")
}

// wrapped prints "  label  text" with text wrapped at 80 columns under its first column.
func wrapped(label, text string) {
	const indent, width = 16, 80
	line := fmt.Sprintf("  %-*s", indent-3, label)
	if len(line) > indent-1 {
		fmt.Println(line)
		line = strings.Repeat(" ", indent-1)
	}
	fresh := true
	for _, w := range strings.Fields(text) {
		if !fresh && len(line)+1+len(w) > width {
			fmt.Println(line)
			line = strings.Repeat(" ", indent-1)
		}
		line += " " + w
		fresh = false
	}
	fmt.Println(line)
}

// reclaimEvery is how often the pacer forces a collection and returns free memory
// to the kernel (debug.FreeOSMemory). Why: left alone, the Go runtime lets the heap
// grow to twice the live data before collecting and hands freed pages back to the
// kernel only gradually (the background scavenger), so the RSS of a fixed variant that
// churns through garbage wanders by several MiB and can read as growth over a 3 s run.
// Measured here: every 250 ms left 3 to 10 MiB sawtooths and Theil-Sen slopes up to
// 0.4 MiB/s in fixed runs; every 100 ms keeps most of them within 1 to 4 MiB (the
// programs that make tens of MiB/s of garbage also call runtime.GC themselves). Both
// modes do it, so the leaky variants are measured under the same conditions and what
// they keep after a forced collection is really retained; the cost is small (the
// leaky go-goroutine still starts 20,000 goroutines a second with 150,000 alive).
const reclaimEvery = 100 * time.Millisecond

// Pacer hands out work units at Rate per second until Duration has passed or Max units
// were handed out; deadlines are absolute, so the pace does not drift.
type Pacer struct {
	start, deadline, lastReclaim time.Time
	rate                         float64
	max                          int64
	Done                         int64 // units handed out so far
}

func NewPacer(o Opts) *Pacer {
	now := time.Now()
	p := &Pacer{start: now, lastReclaim: now, rate: o.Rate, max: o.Max}
	if o.Duration > 0 {
		p.deadline = now.Add(o.Duration)
	}
	return p
}

// Next waits until the next unit is due; false once the duration or max is reached.
func (p *Pacer) Next() bool {
	if p.max > 0 && p.Done >= p.max {
		return false
	}
	now := time.Now()
	if now.Sub(p.lastReclaim) >= reclaimEvery {
		debug.FreeOSMemory()
		p.lastReclaim = time.Now()
	}
	if p.rate > 0 {
		due := p.start.Add(time.Duration(float64(p.Done) * 1e9 / p.rate))
		if !p.deadline.IsZero() && !due.Before(p.deadline) {
			time.Sleep(time.Until(p.deadline))
			return false
		}
		// Sleeping for each unit at high rates costs more than the unit: units
		// less than a millisecond early are handed out in a burst.
		if wait := time.Until(due); wait > time.Millisecond {
			time.Sleep(wait)
		}
	}
	if !p.deadline.IsZero() && !time.Now().Before(p.deadline) {
		return false
	}
	p.Done++
	return true
}

// Touch writes one byte per page of b so that all of it is resident: fresh memory
// from the kernel is already zero and Go does not write it when it allocates.
func Touch(b []byte) {
	for i := 0; i < len(b); i += 4096 {
		b[i] = byte(i>>12) | 1
	}
	if len(b) > 0 {
		b[len(b)-1] = 1
	}
}

// Exhausted reports whether err means a resource limit refused the operation.
func Exhausted(err error) bool {
	for _, e := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOMEM,
		syscall.EAGAIN, syscall.ENOBUFS} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Note writes "name: message" on stderr (stdout carries the results).
func Note(d Desc, format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s: %s\n", d.Name, fmt.Sprintf(format, args...))
}
