package grpcpassthrough_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

const token = "Bearer user-token-1"

func dial(t *testing.T, addr string, opts ...grpcpassthrough.ClientOption) *grpc.ClientConn {
	t.Helper()
	conn, err := grpcpassthrough.NewClient(addr, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func TestForwardsCredentialsOnEveryCallKind(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure())
	for kind, call := range callKinds {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "k1"})
		// The caller also set the same key and an unrelated one by hand.
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer stale", "x-trace", "t1")
		if err := call(ctx, conn); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		calls := rec.take()
		if len(calls) != 1 {
			t.Fatalf("%s: server saw %d calls, want 1", kind, len(calls))
		}
		md := calls[0].md
		if got := md.Get("authorization"); len(got) != 1 || got[0] != token {
			t.Errorf("%s: authorization = %q, want exactly [%q] (passthrough wins, one value)", kind, got, token)
		}
		if got := md.Get("x-api-key"); len(got) != 1 || got[0] != "k1" {
			t.Errorf("%s: x-api-key = %q, want [k1]", kind, got)
		}
		if got := md.Get("x-trace"); len(got) != 1 || got[0] != "t1" {
			t.Errorf("%s: other outgoing metadata lost: x-trace = %q", kind, got)
		}
	}
}

func TestNoCredentialsFailsFastAndSendsNothing(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure())
	for kind, call := range callKinds {
		err := call(t.Context(), conn)
		wantCode(t, kind+" without credentials", err, codes.Unauthenticated)
		if !strings.Contains(status.Convert(err).Message(), "no caller credentials") {
			t.Errorf("%s: message %q does not say what is missing", kind, status.Convert(err).Message())
		}
	}
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d calls without credentials, want none", n)
	}
}

func TestAllowAnonymous(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure(), forward.WithAllowAnonymous())
	if err := callKinds["unary"](t.Context(), conn); err != nil {
		t.Fatal(err)
	}
	calls := rec.take()
	if len(calls) != 1 || len(calls[0].md.Get("authorization")) != 0 {
		t.Fatalf("anonymous call: got %d calls, authorization %v; want 1 call without it", len(calls), calls)
	}
}

func TestInvalidMetadataIsRefusedWithoutTheValue(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure())
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: "Bearer secret\r\nx: y"})
	err := callKinds["unary"](ctx, conn)
	wantCode(t, "control characters", err, codes.InvalidArgument)
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q contains the credential", err)
	}
	ctx = core.WithMetadata(t.Context(), core.Pair{Key: "grpc-status", Value: "0"})
	wantCode(t, "reserved key", callKinds["bidi"](ctx, conn), codes.InvalidArgument)
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d invalid calls, want none", n)
	}
}

func TestRejectionsAreNotRetried(t *testing.T) {
	t.Parallel()
	for _, code := range []codes.Code{codes.Unauthenticated, codes.PermissionDenied, codes.Unavailable} {
		rec := startRecorder(t, nil, status.Error(code, "no"))
		conn := dial(t, rec.addr, forward.WithInsecure())
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
		for kind, call := range callKinds {
			wantCode(t, kind, call(ctx, conn), code)
			if n := len(rec.take()); n != 1 {
				t.Errorf("%s answered %v: server saw %d attempts, want exactly 1", kind, code, n)
			}
		}
	}
}

// A connection without transport security must fail the call rather than
// send credentials, unless WithInsecure was given.
func TestPlaintextIsRefusedWithoutWithInsecure(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, grpcpassthrough.WithDialOptions(grpc.WithTransportCredentials(insecure.NewCredentials())))
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	for kind, call := range callKinds {
		wantCode(t, kind+" over plaintext", call(ctx, conn), codes.Unauthenticated)
	}
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d calls over plaintext, want none", n)
	}

	// The same holds for a connection built by hand with DialOptions.
	dialOpts, err := grpcpassthrough.DialOptions()
	if err != nil {
		t.Fatal(err)
	}
	own, err := grpc.NewClient(rec.addr, append(dialOpts, grpc.WithTransportCredentials(insecure.NewCredentials()))...)
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	wantCode(t, "DialOptions over plaintext", callKinds["unary"](ctx, own), codes.Unauthenticated)
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d calls over plaintext, want none", n)
	}
}

func TestTLS(t *testing.T) {
	t.Parallel()
	serverTLS, roots := selfSigned(t)
	rec := startRecorder(t, credentials.NewTLS(serverTLS), nil)
	conn := dial(t, rec.addr, grpcpassthrough.WithTLSConfig(&tls.Config{RootCAs: roots, ServerName: "localhost"}))
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	for kind, call := range callKinds {
		if err := call(ctx, conn); err != nil {
			t.Fatalf("%s over TLS: %v", kind, err)
		}
	}
	for _, c := range rec.take() {
		if got := c.md.Get("authorization"); len(got) != 1 || got[0] != token {
			t.Errorf("%s over TLS: authorization %q", c.method, got)
		}
	}
	// The default configuration uses the system roots, which do not trust
	// this server: the call fails and nothing is received.
	strict := dial(t, rec.addr)
	if err := callKinds["unary"](ctx, strict); status.Code(err) != codes.Unavailable {
		t.Fatalf("untrusted certificate: got %v, want Unavailable", err)
	}
	if n := len(rec.take()); n != 0 {
		t.Fatalf("server received %d calls over an untrusted connection", n)
	}
}

// Every client constructor reports invalid options as an error, the same
// way for the same mistake; gRPC-only options are refused where they do
// not apply.
func TestConstructorsReportInvalidOptions(t *testing.T) {
	t.Parallel()
	constructors := map[string]func(opts ...grpcpassthrough.ClientOption) error{
		"NewClient": func(opts ...grpcpassthrough.ClientOption) error {
			c, err := grpcpassthrough.NewClient("127.0.0.1:1", opts...)
			if err == nil {
				_ = c.Close()
			}
			return err
		},
		"DialOptions": func(opts ...grpcpassthrough.ClientOption) error {
			_, err := grpcpassthrough.DialOptions(opts...)
			return err
		},
		"UnaryClientInterceptor": func(opts ...grpcpassthrough.ClientOption) error {
			_, err := grpcpassthrough.UnaryClientInterceptor(opts...)
			return err
		},
		"StreamClientInterceptor": func(opts ...grpcpassthrough.ClientOption) error {
			_, err := grpcpassthrough.StreamClientInterceptor(opts...)
			return err
		},
	}
	for name, build := range constructors {
		for _, tc := range []struct {
			what string
			opts []grpcpassthrough.ClientOption
			want string
		}{
			{"nil option", []grpcpassthrough.ClientOption{nil}, "nil option"},
			{"zero size", []grpcpassthrough.ClientOption{forward.WithMaxValueSize(0)}, "size must be positive"},
			{"nil TLS config", []grpcpassthrough.ClientOption{grpcpassthrough.WithTLSConfig(nil)}, "WithTLSConfig"},
		} {
			if err := build(tc.opts...); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "passthrough: ") {
				t.Errorf("%s with %s: %v, want an error containing %q", name, tc.what, err, tc.want)
			}
		}
		err := build(grpcpassthrough.WithDialOptions())
		if name == "NewClient" && err != nil {
			t.Errorf("NewClient refused WithDialOptions: %v", err)
		}
		if name != "NewClient" && (err == nil || !strings.Contains(err.Error(), "WithDialOptions does not apply")) {
			t.Errorf("%s accepted WithDialOptions, which only NewClient uses: %v", name, err)
		}
		if err := build(forward.WithInsecure(), forward.WithAllowAnonymous(), forward.WithMaxValueSize(64)); err != nil {
			t.Errorf("%s refused the shared options: %v", name, err)
		}
	}
}

func TestNewClientTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		target   string
		insecure bool
		wantErr  string
		wantDial string
	}{
		{"", false, "target is required", ""},
		{"   ", false, "target is required", ""},
		{"localhost:8089", true, "", "localhost:8089"},
		{"dns:///cp.example.com:443", false, "", "dns:///cp.example.com:443"},
		{"https://cp.example.com", false, "", "dns:///cp.example.com:443"},
		{"https://cp.example.com:8443/", false, "", "dns:///cp.example.com:8443"},
		{"HTTP://127.0.0.1:8089", true, "", "dns:///127.0.0.1:8089"},
		{"http://[::1]", true, "", "dns:///[::1]:80"},
		{"http://cp.example.com", false, "WithInsecure", ""},
		{"https://cp.example.com", true, "contradicts WithInsecure", ""},
		{"https://user:pw@cp.example.com", false, "scheme://host[:port]", ""},
		{"https://cp.example.com/api", false, "scheme://host[:port]", ""},
		{"https://cp.example.com?x=1", false, "scheme://host[:port]", ""},
	} {
		var opts []grpcpassthrough.ClientOption
		if tc.insecure {
			opts = append(opts, forward.WithInsecure())
		}
		conn, err := grpcpassthrough.NewClient(tc.target, opts...)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "passthrough: ") {
				t.Errorf("NewClient(%q): error %v, want one containing %q", tc.target, err, tc.wantErr)
			}
			if strings.Contains(tc.target, "pw@") && err != nil && strings.Contains(err.Error(), "pw") {
				t.Errorf("NewClient(%q): error repeats the password", tc.target)
			}
			continue
		}
		if err != nil {
			t.Errorf("NewClient(%q): %v", tc.target, err)
			continue
		}
		if conn.Target() != tc.wantDial {
			t.Errorf("NewClient(%q) dials %q, want %q", tc.target, conn.Target(), tc.wantDial)
		}
		_ = conn.Close()
	}
}

func selfSigned(t *testing.T) (*tls.Config, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, pool
}

// A forwarded key the caller put in its outgoing metadata by hand, even
// under a non-lower-case name, is replaced: one value per key, and the
// caller's metadata is left as it was.
func TestOneValuePerKeyWhateverTheCallersCase(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure())
	own := metadata.MD{"X-API-Key": {"stale"}, "x-trace": {"t1"}}
	ctx := metadata.NewOutgoingContext(t.Context(), own)
	ctx = core.WithMetadata(ctx, core.Pair{Key: "x-api-key", Value: "k1"})
	if err := callKinds["unary"](ctx, conn); err != nil {
		t.Fatal(err)
	}
	md := rec.take()[0].md
	if got := md.Get("x-api-key"); len(got) != 1 || got[0] != "k1" {
		t.Errorf("x-api-key = %q, want exactly [k1]", got)
	}
	if got := md.Get("x-trace"); len(got) != 1 || got[0] != "t1" {
		t.Errorf("the caller's other metadata was lost: %q", got)
	}
	if len(own) != 2 || own["X-API-Key"][0] != "stale" {
		t.Errorf("the caller's metadata was modified: %v", own)
	}
}

// The deprecated grpcpassthrough.WithInsecure still works: it is
// forward.WithInsecure under its old name.
func TestDeprecatedWithInsecureStillWorks(t *testing.T) {
	t.Parallel()
	rec := startRecorder(t, nil, nil)
	if _, err := grpcpassthrough.NewClient("http://" + rec.addr); err == nil {
		t.Fatal("an http:// target without WithInsecure was accepted; the check below would be vacuous")
	}
	conn := dial(t, "http://"+rec.addr, grpcpassthrough.WithInsecure()) // the deprecated alias, on purpose
	ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token})
	if err := callKinds["unary"](ctx, conn); err != nil {
		t.Fatalf("call over plaintext with the deprecated WithInsecure: %v", err)
	}
	if calls := rec.take(); len(calls) != 1 || len(calls[0].md.Get("authorization")) != 1 {
		t.Fatalf("server saw %v, want one call with the credential", calls)
	}
}

// serviceAccount is a connection-level credential of the service itself,
// as an OAuth2 token source would be.
type serviceAccount struct{}

func (serviceAccount) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"Authorization": "Bearer service-account"}, nil
}
func (serviceAccount) RequireTransportSecurity() bool { return false }

// A dial option that adds a forwarded key, as per-RPC credentials of the
// connection or as an interceptor appending metadata, never puts a second
// value on the wire: the caller's value is the one and only.
func TestDialOptionAddingAForwardedKeyIsOverridden(t *testing.T) {
	t.Parallel()
	addKey := func(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
		return invoker(metadata.AppendToOutgoingContext(ctx, "x-api-key", "service-key"), method, req, reply, cc, opts...)
	}
	addKeyStream := func(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn, method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
		return streamer(metadata.AppendToOutgoingContext(ctx, "x-api-key", "service-key"), desc, cc, method, opts...)
	}
	rec := startRecorder(t, nil, nil)
	conn := dial(t, rec.addr, forward.WithInsecure(), grpcpassthrough.WithDialOptions(
		grpc.WithPerRPCCredentials(serviceAccount{}),
		grpc.WithChainUnaryInterceptor(addKey),
		grpc.WithChainStreamInterceptor(addKeyStream),
	))
	for kind, call := range callKinds {
		ctx := core.WithMetadata(t.Context(), core.Pair{Key: "authorization", Value: token}, core.Pair{Key: "x-api-key", Value: "k1"})
		if err := call(ctx, conn); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		calls := rec.take()
		if len(calls) != 1 {
			t.Fatalf("%s: server saw %d calls, want 1", kind, len(calls))
		}
		if got := calls[0].md.Get("authorization"); len(got) != 1 || got[0] != token {
			t.Errorf("%s: authorization arrived as %q, want exactly [%q]: the caller's, not the dial option's", kind, got, token)
		}
		if got := calls[0].md.Get("x-api-key"); len(got) != 1 || got[0] != "k1" {
			t.Errorf("%s: x-api-key arrived as %q, want exactly [k1]: the caller's, not the interceptor's", kind, got)
		}
	}
}
