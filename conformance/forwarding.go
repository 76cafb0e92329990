package conformance

import (
	"strings"
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

func (s suite) forwardsDefaultCredentials(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t)
	r := s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "Authorization only", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "Cookie", cookie))
	expectForwarded(t, "Cookie only", r[0], rec, core.Pair{Key: "cookie", Value: cookie})
	r = s.send(t, c, get("/protected/deeper", "Authorization", token, "Cookie", cookie, "X-Other", "not forwarded"))
	expectForwarded(t, "both, plus an unrelated header", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "cookie", Value: cookie})
	// Byte-for-byte: inner spacing and unusual but valid characters survive.
	odd := "Basic  dXNlcjpwYXNz=,~!"
	r = s.send(t, c, get("/protected", "Authorization", odd))
	expectForwarded(t, "value with inner spaces and punctuation", r[0], rec, core.Pair{Key: "authorization", Value: odd})
}

func (s suite) headerNamesCaseInsensitive(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")))
	r := s.send(t, c, get("/protected", "aUtHoRiZaTiOn", token, "COOKIE", cookie, "x-api-key", "key-1"))
	expectForwarded(t, "mixed-case header names", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "cookie", Value: cookie},
		core.Pair{Key: "x-api-key", Value: "key-1"})
}

func (s suite) missingCredentials(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t)
	r := s.send(t, c, get("/protected", "X-Other", "x"))[0]
	expectRefused(t, "no credentials", r, rec, 401)
	if r.Header == nil {
		return
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("401 Content-Type %q, want application/json", got)
	}
	if got := r.Header.Get("WWW-Authenticate"); got != "Bearer" {
		t.Errorf("401 WWW-Authenticate %q, want Bearer", got)
	}
	if want := `{"detail":"Authentication credentials required"}`; string(r.Body) != want {
		t.Errorf("401 body %q, want %q", r.Body, want)
	}
}

func (s suite) optionalMode(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithOptional())
	r := s.send(t, c, get("/protected"))
	expectForwarded(t, "optional mode without credentials", r[0], rec)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectForwarded(t, "optional mode with credentials", r[0], rec, core.Pair{Key: "authorization", Value: token})
	r = s.send(t, c, get("/protected", "Authorization", s.malformed()))
	expectRefused(t, "optional mode must still refuse a malformed credential", r[0], rec, 400)
	r = s.send(t, c, get("/protected", "Authorization", token, "Authorization", token))
	expectRefused(t, "optional mode must still refuse an ambiguous credential", r[0], rec, 400)
}

func (s suite) customExtractors(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExtractors(extractors.Header("X-API-Key"), extractors.Cookies("session", "csrf")))
	r := s.send(t, c, get("/protected", "X-Api-Key", "key-42", "Cookie", cookie))
	expectForwarded(t, "custom header and named cookies", r[0], rec,
		core.Pair{Key: "x-api-key", Value: "key-42"}, core.Pair{Key: "cookie", Value: "session=abc123; csrf=x-y-z"})
	r = s.send(t, c, get("/protected", "Cookie", "theme=dark; other=1"))
	expectRefused(t, "no named cookie and no key", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token))
	expectRefused(t, "Authorization is not configured here", r[0], rec, 401)
}

// wrappingExtractor: a custom extractor that calls a built-in one is called
// on every request, and what it returns is what is forwarded.
func (s suite) wrappingExtractor(t *testing.T) {
	t.Parallel()
	bearerOnly := extractors.Func("authorization", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Authorization().Extract(r)
		if !ok || !strings.HasPrefix(v, "Bearer ") {
			return "", false
		}
		return v, true
	})
	addScheme := extractors.Func("x-api-key", func(r extractors.Request) (string, bool) {
		v, ok := extractors.Header("X-API-Key").Extract(r)
		if !ok {
			return "", false
		}
		return "Key " + v, true
	})
	c, rec := s.serve(t, core.WithExtractors(bearerOnly, addScheme))
	r := s.send(t, c, get("/protected", "Authorization", "Basic dXNlcjpwYXNz"))
	expectRefused(t, "a wrapper that refuses Basic credentials must not forward them", r[0], rec, 401)
	r = s.send(t, c, get("/protected", "Authorization", token, "X-API-Key", "k1"))
	expectForwarded(t, "a wrapper's own value is what is forwarded", r[0], rec,
		core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "Key k1"})
	r = s.send(t, c, get("/protected", "X-API-Key", "k1", "x-api-key", "k2"))
	expectRefused(t, "a header a wrapper read arrived on two lines", r[0], rec, 400)
}
