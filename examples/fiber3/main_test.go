package main

import (
	"net"
	"testing"

	"github.com/gofiber/fiber/v3"

	"github.com/passthrough-go/passthrough/internal/exampletest"
)

func TestREADMEStory(t *testing.T) {
	cp, key := exampletest.ControlPlane(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(cp)
	done := make(chan error, 1)
	go func() { done <- app.Listener(ln, fiber.ListenConfig{DisableStartupMessage: true}) }()
	t.Cleanup(func() {
		// Shutdown does nothing if Listener has not started serving yet;
		// closing the listener then stops it.
		_ = app.Shutdown()
		_ = ln.Close()
		<-done
	})
	exampletest.Story(t, "http://"+ln.Addr().String(), key)
}
