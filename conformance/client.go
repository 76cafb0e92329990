package conformance

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/passthrough-go/passthrough/forward"
)

// ClientHarness connects [RunClient] to one forwarding client: the gRPC
// client, the Connect client, the HTTP transport, or another.
type ClientHarness struct {
	// Serve starts a loopback server of the client's protocol, with TLS
	// when tlsConfig is not nil (it holds the certificate the suite's
	// clients trust), stops it with t.Cleanup, and returns its origin,
	// "https://127.0.0.1:port" or "http://127.0.0.1:port". For every call
	// that arrives it calls h with the call's header fields (gRPC metadata
	// under canonical header names) and answers success when h returns
	// true, a rejection (HTTP 401, Unauthenticated) when it returns false.
	Serve func(t *testing.T, tlsConfig *tls.Config, h func(http.Header) bool) (origin string)

	// Client builds the client under test from c and returns what its
	// constructor returned. A client that is refused at construction has
	// sent nothing, which the suite accepts wherever sending nothing is
	// right.
	Client func(t *testing.T, c ClientConfig) (Caller, error)

	// Redirects says the client follows HTTP redirects, as Connect and
	// plain HTTP clients do; the suite then checks that credentials never
	// follow one to another origin or down to plaintext.
	Redirects bool

	// ConcurrentReuse says one request object may be sent by several
	// goroutines at once (an http.Request, gRPC metadata); it cannot with
	// Connect, whose client writes into the request's headers itself.
	ConcurrentReuse bool

	// Proxies says the client honours [ClientConfig.Proxy]; the suite then
	// checks that credentials never go through a proxy in plaintext. (A
	// gRPC client takes its proxy from the environment only, which a
	// process reads once; test it in a child process of its own.)
	Proxies bool
}

// ClientConfig is what the suite asks [ClientHarness.Client] to build.
type ClientConfig struct {
	// Origin is where the client is configured to send credentials: its
	// base URL, or the origin its transport forwards to. A client whose
	// configuration is its target (gRPC) uses Target.
	Origin string
	// Target is the origin the calls are sent to; usually Origin.
	Target string
	// Roots are the certificates to trust.
	Roots *x509.CertPool
	// Options are the options to build the client with.
	Options []forward.Option
	// Adds, when not nil, are header fields that a layer of the client's
	// own configuration, under the forwarding, adds to every request: a
	// base RoundTripper, per-RPC credentials among gRPC dial options. The
	// client must refuse such a configuration when it is built, or send
	// the caller's value alone under every key it forwards.
	Adds http.Header
	// Proxy, when not nil, is the HTTP proxy the client's transport sends
	// every request through (http.Transport.Proxy).
	Proxy *url.URL
}

// Caller makes calls with the client under test.
type Caller interface {
	// Call makes one call with ctx, in a new request that carries header
	// as the caller set it (names as given, which need not be canonical).
	// It returns an error if the call failed or was rejected.
	Call(ctx context.Context, header http.Header) error

	// Reusable builds one request object carrying header, and returns a
	// function that sends that same object, with the context it is given,
	// each time it is called.
	Reusable(header http.Header) func(ctx context.Context) error
}

// TransportHarness is the [ClientHarness] for an [http.RoundTripper] that
// forwards credentials, such as httppassthrough.Transport. build returns
// the RoundTripper forwarding to origin on top of base.
func TransportHarness(build func(base http.RoundTripper, origin string, opts []forward.Option) (http.RoundTripper, error)) ClientHarness {
	return ClientHarness{
		Serve: func(t *testing.T, tlsConfig *tls.Config, h func(http.Header) bool) string {
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !h(r.Header) {
					w.WriteHeader(http.StatusUnauthorized)
				}
			}))
			srv.Config.ErrorLog = quietLog
			if tlsConfig != nil {
				srv.TLS = tlsConfig
				srv.StartTLS()
			} else {
				srv.Start()
			}
			t.Cleanup(srv.Close)
			return srv.URL
		},
		Client: func(t *testing.T, c ClientConfig) (Caller, error) {
			rt, err := build(BaseTransport(t, c, nil), c.Origin, c.Options)
			if err != nil {
				return nil, err
			}
			return httpCaller{client: &http.Client{Transport: rt}, url: c.Target + "/call"}, nil
		},
		Redirects:       true,
		ConcurrentReuse: true,
		Proxies:         true,
	}
}

// BaseTransport returns the base RoundTripper an HTTP-based client is to
// send through for c: an *http.Transport trusting c.Roots, through
// c.Proxy if set, configured further by tune if not nil, and closed with
// t.Cleanup; wrapped, when c.Adds is set, in a RoundTripper that adds
// c.Adds to a copy of every request, as an OAuth2 transport sets its own
// Authorization.
func BaseTransport(t *testing.T, c ClientConfig, tune func(*http.Transport)) http.RoundTripper {
	base := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: c.Roots}}
	if c.Proxy != nil {
		base.Proxy = http.ProxyURL(c.Proxy)
	}
	if tune != nil {
		tune(base)
	}
	t.Cleanup(base.CloseIdleConnections)
	if c.Adds == nil {
		return base
	}
	return addingTransport{base: base, adds: c.Adds}
}

// addingTransport adds its header fields to a copy of every request.
type addingTransport struct {
	base http.RoundTripper
	adds http.Header
}

func (a addingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := r.Clone(r.Context())
	for k, vs := range a.adds {
		for _, v := range vs {
			c.Header.Add(k, v)
		}
	}
	return a.base.RoundTrip(c)
}

type httpCaller struct {
	client *http.Client
	url    string
}

func (c httpCaller) Call(ctx context.Context, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return err
	}
	req.Header = header.Clone()
	return c.do(req)
}

// Reusable shares one request: each call is req.WithContext(ctx), a
// shallow copy with the same header map, as a caller reusing a request
// would make.
func (c httpCaller) Reusable(header http.Header) func(ctx context.Context) error {
	req, err := http.NewRequest(http.MethodGet, c.url, nil)
	if err != nil {
		return func(context.Context) error { return err }
	}
	req.Header = header.Clone()
	return func(ctx context.Context) error { return c.do(req.WithContext(ctx)) }
}

func (c httpCaller) do(req *http.Request) error {
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// RunClient checks that the forwarding client behind h holds the promise
// every forwarding client makes, over real loopback servers: exactly the
// caller's credentials, one value per key; nothing when the context has
// none (unless anonymous calls are allowed); nothing in plaintext, checked
// per request; nothing after a redirect to another origin or a downgrade;
// a reused request object never carries a previous caller's credentials;
// concurrent callers never mixed; a rejected call never retried; a layer
// of the client's own configuration that adds a forwarded key never puts
// its value on the wire; nothing in plaintext through a proxy.
func RunClient(t *testing.T, h ClientHarness) {
	t.Helper()
	if h.Serve == nil || h.Client == nil {
		t.Fatal("conformance: ClientHarness.Serve and ClientHarness.Client are required")
	}
	s := newClientSuite(t, h)
	t.Run("ExactCredentials", s.exactCredentials)
	t.Run("NothingWithoutCredentials", s.nothingWithoutCredentials)
	t.Run("NeverInPlaintext", s.neverInPlaintext)
	if h.Redirects {
		t.Run("NotAfterRedirect", s.notAfterRedirect)
	}
	t.Run("ReusedRequest", s.reusedRequest)
	t.Run("ConcurrentCallers", s.concurrentCallers)
	t.Run("RejectedNotRetried", s.rejectedNotRetried)
	t.Run("OwnLayerAddingKeys", s.ownLayerAddingKeys)
	if h.Proxies {
		t.Run("NotThroughPlaintextProxy", s.notThroughPlaintextProxy)
	}
}

// clientSuite holds the harness and the one certificate every TLS server
// of the run presents, and the clients trust.
type clientSuite struct {
	h         ClientHarness
	serverTLS *tls.Config
	roots     *x509.CertPool
}

func newClientSuite(t *testing.T, h ClientHarness) clientSuite {
	// httptest's certificate covers 127.0.0.1 and ::1.
	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	ts.StartTLS()
	cert := ts.TLS.Certificates[0]
	roots := x509.NewCertPool()
	roots.AddCert(ts.Certificate())
	ts.Close()
	return clientSuite{h: h, serverTLS: &tls.Config{Certificates: []tls.Certificate{cert}}, roots: roots}
}

// quietLog drops the TLS handshake errors of connections that clients
// close early, which are not the suite's concern.
var quietLog = log.New(io.Discard, "", 0)

// server is a server of the harness that records every call's header.
type server struct {
	origin string
	mu     sync.Mutex
	got    []http.Header
	reject bool
}

func (s *server) handle(h http.Header) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, h.Clone())
	return !s.reject
}

func (s *server) take() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.got
	s.got = nil
	return g
}

func (c clientSuite) serve(t *testing.T, secure bool) *server {
	t.Helper()
	s := &server{}
	var cfg *tls.Config
	if secure {
		cfg = c.serverTLS.Clone()
	}
	s.origin = c.h.Serve(t, cfg, s.handle)
	return s
}

// client builds a client configured for origin whose calls go to target.
func (c clientSuite) client(t *testing.T, origin, target string, opts ...forward.Option) (Caller, error) {
	t.Helper()
	return c.h.Client(t, ClientConfig{Origin: origin, Target: target, Roots: c.roots, Options: opts})
}

// clientWith builds a client as the suite configures it, changed by set.
func (c clientSuite) clientWith(t *testing.T, origin string, set func(*ClientConfig), opts ...forward.Option) (Caller, error) {
	t.Helper()
	cfg := ClientConfig{Origin: origin, Target: origin, Roots: c.roots, Options: opts}
	set(&cfg)
	return c.h.Client(t, cfg)
}

func (c clientSuite) mustClient(t *testing.T, origin string, opts ...forward.Option) Caller {
	t.Helper()
	cl, err := c.client(t, origin, origin, opts...)
	if err != nil {
		t.Fatalf("building the client for %s: %v", origin, err)
	}
	return cl
}

// redirector is a TLS server that answers every request with a 307 to
// target, the same path, and records whether it got credentials.
func (c clientSuite) redirector(t *testing.T, target string) *server {
	t.Helper()
	s := &server{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.handle(r.Header)
		w.Header().Set("Location", target+r.URL.RequestURI())
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	srv.Config.ErrorLog = quietLog
	srv.TLS = c.serverTLS.Clone()
	srv.StartTLS()
	t.Cleanup(srv.Close)
	s.origin = srv.URL
	return s
}
