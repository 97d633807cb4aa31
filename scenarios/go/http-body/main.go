// go-http-body: pattern 2, HTTP response bodies never closed. The program serves
// HTTP on 127.0.0.1 (an ephemeral port) and requests from itself, --rate GETs a second
// for --duration, each response carrying a --size body.
//
// Leaky: the client reads the first 512 bytes of each body (enough to check what it
// wanted) and returns without resp.Body.Close(). The transport cannot reuse or free
// a connection whose body is neither closed nor read to the end, so each request
// leaves behind a TCP connection (2 fds: the client's and the server's end), the
// client's read and write goroutines with their buffers, and the server's goroutine:
// fds and RSS grow. (On Go 1.19 a body read to EOF hands its connection back to the
// pool even without Close, which is why the article's ioutil.ReadAll version leaks
// little in practice; stopping early, as real code does on an error path, is what
// leaks.) At the nofile limit: "Error at request N", exit 3.
//
// --fixed: defer resp.Body.Close() after draining the body: the one keep-alive
// connection is reused, fds and RSS stay flat.
package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"brink/scenarios/internal/scn"
)

var desc = scn.Desc{
	Name:  "go-http-body",
	What:  "Pattern 2: HTTP response bodies never closed (against a loopback server of its own).",
	Leaky: "read the first 512 bytes of each body and never Close it: +2 fds, goroutines and buffers per request",
	Fixed: "drain and Close every body: one reused connection, flat fds and RSS",
	Unit:  "requests",
	Rate:  100, Duration: 3e9, Size: 64 << 10, Hold: -1,
}

// fetchLeaky is the bug: an early return that never closes the body.
func fetchLeaky(c *http.Client, url string, head []byte) error {
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	if _, err := io.ReadFull(res.Body, head); err != nil {
		return err
	}
	return nil // res.Body is never closed
}

func fetchFixed(c *http.Client, url string, head []byte) error {
	res, err := c.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.ReadFull(res.Body, head); err != nil {
		return err
	}
	// Reading to the end lets the transport reuse the connection.
	_, err = io.Copy(io.Discard, res.Body)
	return err
}

// listener remembers why Accept last failed (EMFILE at the nofile limit), so that the
// client can say why its request got no answer.
type listener struct {
	net.Listener
	failed atomic.Value // error
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		l.failed.Store(err)
	}
	return c, err
}

func main() {
	o := scn.Parse(desc)
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		scn.Note(desc, "cannot listen on 127.0.0.1: %v", err)
		os.Exit(scn.ExitFailure)
	}
	ln := &listener{Listener: inner}
	body := bytes.Repeat([]byte("abcdefghijklmnopqrstuvwxyz"), int(o.Size)/26+1)[:o.Size]
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})}
	go srv.Serve(ln)

	// No Client.Timeout: it would cancel requests whose bodies stay open and so undo
	// the leak. ResponseHeaderTimeout only bounds the wait for an answer, for the
	// case where the server could not accept (EMFILE) and never will.
	tr := &http.Transport{ResponseHeaderTimeout: 2 * time.Second}
	client := &http.Client{Transport: tr}
	url := "http://" + ln.Addr().String() + "/"
	fetch := fetchLeaky
	if o.Fixed {
		fetch = fetchFixed
	}
	head := make([]byte, 512)
	if o.Size < int64(len(head)) {
		head = head[:o.Size]
	}
	p := scn.NewPacer(o)
	for p.Next() {
		if err := fetch(client, url, head); err != nil {
			if serr, ok := ln.failed.Load().(error); ok && os.IsTimeout(err) {
				// The server's side of the limit: it could not accept.
				fmt.Printf("Error at request %d: no answer, the server could not accept: %v\n",
					p.Done-1, serr)
				err = serr
			} else {
				fmt.Printf("Error at request %d: %v\n", p.Done-1, err)
			}
			if scn.Exhausted(err) {
				os.Exit(scn.ExitExhausted)
			}
			os.Exit(scn.ExitFailure)
		}
	}
	how := "no body closed"
	if o.Fixed {
		how = "every body drained and closed"
	}
	fmt.Printf("%d requests of %d bytes, %s\n", p.Done, o.Size, how)
	os.Exit(scn.ExitOK)
}
