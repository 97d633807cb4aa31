// go-service: a small HTTP server on 127.0.0.1 for the service tests (`load`,
// `ready`, `stop-grace`, `go-runtime`). GET /work answers with a 32 KiB report
// computed by a worker goroutine, waiting at most --wait for it.
//
// Leaky (default): the worker sends its result on an unbuffered channel; when the
// handler has already answered (it waits --wait, 0 by default, then answers
// "accepted"), nobody ever receives, so the worker blocks for ever in [chan send]
// holding its 32 KiB buffer: one goroutine and 32 KiB of live heap per request,
// under 4-5 OS threads. --fixed: the channel has a buffer of one, so the worker
// always finishes and its buffer is collected.
//
// GET /metrics answers in the Prometheus text format (go_goroutines,
// go_memstats_heap_inuse_bytes, written by hand: the standard library only);
// /debug/pprof/ is net/http/pprof's.
//
// It prints "listening on 127.0.0.1:PORT" on stdout once the port accepts, and
// stops on SIGTERM (exit 0) unless --ignore-term. --listen-after delays the
// listen, to test readiness by port. Nothing leaves the loopback.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
)

const reportSize = 32 << 10

var fixed bool
var requests atomic.Int64
var wait time.Duration

// work builds the report a request asks for.
func work(id int) []byte {
	buf := make([]byte, reportSize)
	for i := range buf {
		buf[i] = byte('a' + (id+i)%26)
	}
	return buf
}

// leakyHandler starts a worker and answers without waiting for it when the
// wait is over: the worker's send then has no receiver.
func leakyHandler(w http.ResponseWriter, r *http.Request) {
	requests.Add(1)
	var result chan []byte
	if fixed {
		result = make(chan []byte, 1)
	} else {
		result = make(chan []byte)
	}
	go func() {
		result <- work(len(r.URL.Path))
	}()
	select {
	case b := <-result:
		w.Write(b[:64])
	case <-time.After(wait):
		w.Write([]byte("accepted\n"))
	}
}

// metrics writes two gauges the way Prometheus' Go client names them.
func metrics(w http.ResponseWriter, r *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintf(w, "# HELP go_goroutines Number of goroutines that currently exist.\n")
	fmt.Fprintf(w, "# TYPE go_goroutines gauge\n")
	fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
	fmt.Fprintf(w, "# HELP go_memstats_heap_inuse_bytes Number of heap bytes that are in use.\n")
	fmt.Fprintf(w, "# TYPE go_memstats_heap_inuse_bytes gauge\n")
	fmt.Fprintf(w, "go_memstats_heap_inuse_bytes %d\n", ms.HeapInuse)
	fmt.Fprintf(w, "# HELP service_requests_total Requests served, by path.\n")
	fmt.Fprintf(w, "# TYPE service_requests_total counter\n")
	fmt.Fprintf(w, "service_requests_total{path=\"/work\"} %d\n", requests.Load())
}

func main() {
	port := flag.Int("port", 8080, "TCP port on 127.0.0.1")
	flag.BoolVar(&fixed, "fixed", false, "buffered channel: no goroutine is left behind")
	flag.DurationVar(&wait, "wait", 0, "how long a request waits for its worker")
	ignoreTerm := flag.Bool("ignore-term", false, "ignore SIGTERM (for the stop-grace tests)")
	listenAfter := flag.Duration("listen-after", 0, "wait this long before listening")
	flag.Parse()

	sigs := make(chan os.Signal, 1)
	if *ignoreTerm {
		signal.Ignore(syscall.SIGTERM)
	} else {
		signal.Notify(sigs, syscall.SIGTERM)
	}
	time.Sleep(*listenAfter)
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-service:", err)
		os.Exit(1)
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	http.HandleFunc("/work", leakyHandler)
	http.HandleFunc("/metrics", metrics)
	go func() {
		<-sigs
		fmt.Println("go-service: SIGTERM, stopping")
		os.Exit(0)
	}()
	err = http.Serve(ln, nil)
	fmt.Fprintln(os.Stderr, "go-service:", err)
	os.Exit(1)
}
