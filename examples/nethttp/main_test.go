package main

import (
	"net/http/httptest"
	"testing"

	"github.com/passthrough-go/passthrough/internal/exampletest"
)

func TestREADMEStory(t *testing.T) {
	cp, key := exampletest.ControlPlane(t)
	srv := httptest.NewServer(newHandler(cp))
	t.Cleanup(srv.Close)
	exampletest.Story(t, srv.URL, key)
}
