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
// It prints "listening on 127.0.0.1:PORT" on stdout once the port accepts, and
// stops on SIGTERM (exit 0) unless --ignore-term. --listen-after delays the
// listen, to test readiness by port. Nothing leaves the loopback.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const reportSize = 32 << 10

var fixed bool
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
	go func() {
		<-sigs
		fmt.Println("go-service: SIGTERM, stopping")
		os.Exit(0)
	}()
	err = http.Serve(ln, nil)
	fmt.Fprintln(os.Stderr, "go-service:", err)
	os.Exit(1)
}
