// go-load-client: a load generator for the service tests. Makes -n GET requests
// to -url with -c concurrent clients (one keep-alive connection each), at most -rate a
// second in total when -rate > 0. Only loopback URLs are accepted: nothing
// leaves the machine. Prints "N requests, M failed in D" and exits 0 when every
// request got 200, 1 when any failed, 2 on bad options.
package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	target := flag.String("url", "http://127.0.0.1:8080/work", "URL to request (loopback only)")
	n := flag.Int("n", 1000, "requests in total")
	c := flag.Int("c", 4, "concurrent clients")
	rate := flag.Float64("rate", 0, "requests per second in total (0: as fast as possible)")
	flag.Parse()
	u, err := url.Parse(*target)
	if err != nil || *n < 0 || *c < 1 {
		fmt.Fprintln(os.Stderr, "go-load-client: bad -url, -n or -c")
		os.Exit(2)
	}
	if ip := net.ParseIP(u.Hostname()); ip == nil || !ip.IsLoopback() {
		fmt.Fprintln(os.Stderr, "go-load-client: -url must name a loopback address such as 127.0.0.1")
		os.Exit(2)
	}
	var next, failed int64
	var tick <-chan time.Time
	if *rate > 0 {
		t := time.NewTicker(time.Duration(float64(time.Second) / *rate))
		defer t.Stop()
		tick = t.C
	}
	start := time.Now()
	var wg sync.WaitGroup
	var firstErr atomic.Value
	for i := 0; i < *c; i++ {
		wg.Add(1)
		// One connection per client, kept for all its requests: the server
		// holds exactly -c of them from the first requests on. A shared
		// pool dials a new one whenever none is idle at that instant and
		// closes surplus ones: the server's fd count then steps with the
		// scheduling, a trend that is not the server's.
		tr := &http.Transport{MaxConnsPerHost: 1, MaxIdleConnsPerHost: 1}
		client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
		go func() {
			defer wg.Done()
			for atomic.AddInt64(&next, 1) <= int64(*n) {
				if tick != nil {
					<-tick
				}
				res, err := client.Get(*target)
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						err = fmt.Errorf("status %s", res.Status)
					}
				}
				if err != nil {
					atomic.AddInt64(&failed, 1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("%d requests, %d failed in %s\n", *n, failed, time.Since(start).Round(time.Millisecond))
	if failed > 0 {
		fmt.Fprintln(os.Stderr, "go-load-client: first error:", firstErr.Load())
		os.Exit(1)
	}
}
