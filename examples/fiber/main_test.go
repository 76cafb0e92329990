package main

import (
	"net"
	"testing"

	"github.com/passthrough-go/passthrough/internal/exampletest"
)

func TestREADMEStory(t *testing.T) {
	cp, key := exampletest.ControlPlane(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(cp)
	go func() { _ = app.Listener(ln) }()
	t.Cleanup(func() { _ = app.Shutdown() })
	exampletest.Story(t, "http://"+ln.Addr().String(), key)
}
