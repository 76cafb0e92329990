package conformance

import (
	"testing"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
)

func (s suite) excludedPathsExact(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithExcludedPaths(s.ps("/health", "/docs/openapi.json")...))
	excluded := []string{"/health"}
	if !s.h.Procedures {
		excluded = append(excluded, "/docs/openapi.json")
	}
	if !s.h.GRPC {
		excluded = append(excluded, "/health?probe=1")
	}
	for _, p := range excluded {
		r := s.send(t, c, get(p))
		expectForwarded(t, "excluded path "+p+" without credentials", r[0], rec)
		r = s.send(t, c, get(p, "Authorization", token, "Cookie", cookie))
		expectForwarded(t, "excluded path "+p+" must not carry credentials even when sent", r[0], rec)
	}
	for _, p := range []string{
		"/%68ealth", "/health%2F", "/HEALTH", "/Health", "/health/", "//health", "/./health",
		"/health/.", "/x/../health", "/health;x=1", "/health%3Fprobe=1", "/health/x",
		"/healthz", "/docs/openapi.json/", "/docs//openapi.json", "/docs/./openapi.json",
		"/docs/openapi%2Ejson", "/docs%2Fopenapi.json",
	} {
		r := s.send(t, c, get(p))
		expectRefused(t, "path "+p+" is not the excluded spelling and needs credentials", r[0], rec, 0)
	}
}

func (s suite) excludedPrefixes(t *testing.T) {
	t.Parallel()
	if s.h.Procedures {
		s.excludedServices(t)
		return
	}
	c, rec := s.serve(t, core.WithExcludedPrefixes(s.ps("/public", "/static/")...))
	for _, p := range []string{"/public", "/public/", "/public/a", "/public/a/b.css", "/static/app.js", "/static"} {
		r := s.send(t, c, get(p, "Authorization", token))
		expectForwarded(t, "path "+p+" under an excluded prefix", r[0], rec)
	}
	for _, p := range []string{
		"/publicity", "/public-x", "/PUBLIC/a", "/public/../admin", "/public/%2e%2e/admin",
		"/public/..", "/public/./a", "/public//a", "/public/a;jsessionid=1", "/public%2Fa",
		"/public/a%2F..%2F..%2Fadmin", "/public\\..\\admin", "//public/a", "/staticfiles",
	} {
		r := s.send(t, c, get(p))
		expectRefused(t, "path "+p+" must not be excluded by a prefix", r[0], rec, 0)
	}
}

// excludedServices is excludedPrefixes for procedure transports: a prefix
// is a whole service.
func (s suite) excludedServices(t *testing.T) {
	c, rec := s.serve(t, core.WithExcludedPrefixes("/public.v1.Public"))
	for _, p := range []string{"/public.v1.Public/Get", "/public.v1.Public/List"} {
		r := send(t, c, get(p, "Authorization", token))
		expectForwarded(t, "procedure "+p+" of an excluded service", r[0], rec)
	}
	for _, p := range []string{
		"/public.v1.Publicity/Get", "/public.v1.PUBLIC/Get", "/public.v1.Public2/Get",
		"/public.v1.Public%2FGet", "/other.v1.Service/Get",
	} {
		r := send(t, c, get(p))
		expectRefused(t, "procedure "+p+" must not be excluded by a service prefix", r[0], rec, 0)
	}
}

// excludedByMethod: "GET /health" excludes GET and HEAD only; every other
// method on the same path needs credentials, while a method-less pattern
// still covers every method. RPC transports send every call as POST.
func (s suite) excludedByMethod(t *testing.T) {
	t.Parallel()
	if s.h.GRPC {
		c, rec := s.serve(t, core.WithExcludedPaths("GET "+s.p("/health"), "POST "+s.p("/ping")))
		r := s.send(t, c, get("/health"))
		expectRefused(t, `an RPC call is a POST: "GET /health" must not exclude it`, r[0], rec, 0)
		r = s.send(t, c, get("/ping"))
		expectForwarded(t, `"POST /ping" excludes the RPC /ping`, r[0], rec)
		return
	}
	c, rec := s.serve(t, core.WithExcludedPaths("GET /health", "/metrics"), core.WithExcludedPrefixes("GET /public"))
	for _, p := range []string{"/health", "/metrics", "/public/a"} {
		r := s.send(t, c, Request{Method: "GET", Path: p})
		expectForwarded(t, "GET "+p+" is excluded", r[0], rec)
	}
	r := s.send(t, c, Request{Method: "HEAD", Path: "/metrics"})
	expectForwarded(t, "HEAD /metrics is excluded by the method-less pattern", r[0], rec)
	// Whether "GET" covers HEAD is the router's: yes where HEAD reaches GET
	// routes (ServeMux, Fiber), no where it does not (Gin, Echo). Here a
	// HEAD is either excluded or asks for credentials; Variants check the
	// choice against real routes.
	for _, p := range []string{"/health", "/public/a"} {
		r := s.send(t, c, Request{Method: "HEAD", Path: p})
		if r[0].Status == 401 {
			expectRefused(t, "HEAD "+p+" where HEAD is routed apart from GET", r[0], rec, 401)
		} else {
			expectForwarded(t, "HEAD "+p+" where HEAD reaches GET routes", r[0], rec)
		}
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		r = s.send(t, c, Request{Method: m, Path: "/metrics"})
		expectForwarded(t, m+" /metrics is excluded by the method-less pattern", r[0], rec)
		for _, p := range []string{"/health", "/public/a"} {
			r := s.send(t, c, Request{Method: m, Path: p})
			expectRefused(t, m+" "+p+" is excluded for GET only and needs credentials", r[0], rec, 0)
		}
		r = s.send(t, c, Request{Method: m, Path: "/health", Header: []Field{{"Authorization", token}}})
		expectForwarded(t, m+" /health with credentials", r[0], rec, core.Pair{Key: "authorization", Value: token})
	}
}

func (s suite) skipper(t *testing.T) {
	t.Parallel()
	c, rec := s.serve(t, core.WithSkipper(func(r extractors.Request) bool {
		v := r.Values("X-Internal-Probe")
		return len(v) == 1 && v[0] == "yes"
	}))
	r := s.send(t, c, get("/protected", "X-Internal-Probe", "yes", "Authorization", token))
	expectForwarded(t, "skipped request must carry no credentials", r[0], rec)
	r = s.send(t, c, get("/protected", "X-Internal-Probe", "no"))
	expectRefused(t, "request the skipper declines needs credentials", r[0], rec, 401)
}
