package adversarial_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/extractors"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
)

// canary is a secret that must never be seen outside the credential path.
const canary = "CANARY-5d1e0a7c-secret"

// credentialHeaders are every kind of credential the middleware reads.
var credentialHeaders = []struct{ name, value string }{
	{"Authorization", "Bearer " + canary},
	{"Cookie", "session=" + canary},
	{"X-API-Key", canary},
}

// panicky panics with the credential it found: a careless custom extractor.
var panicky = extractors.Func("x-panic", func(r extractors.Request) (string, bool) {
	if v := r.Values("X-Panic"); len(v) > 0 {
		panic("extractor failed on " + v[0])
	}
	return "", false
})

type leakCheck struct {
	t    *testing.T
	what []string
}

func (l *leakCheck) see(where, text string) {
	if strings.Contains(text, canary) {
		l.t.Errorf("the canary leaked into %s: %q", where, text)
	}
	l.what = append(l.what, where)
}

// TestCanaryNeverLeaks pushes the canary, as every kind of credential,
// through every failure path of every adapter and of the gRPC client and
// server, and looks for it in every log line (all levels), response body
// and header, error string and recovered panic.
func TestCanaryNeverLeaks(t *testing.T) {
	for _, fw := range frameworks {
		t.Run(fw, func(t *testing.T) {
			logs := &syncBuffer{}
			lc := &leakCheck{t: t}
			// The control plane echoes what it received in its error message,
			// as a hostile or careless one might.
			echo := &controlPlane{failWith: status.Error(codes.Unauthenticated, "rejected "+canary)}
			cp := startControlPlane(t, echo)
			opts := []core.Option{
				core.WithLogger(debugLogger(logs)),
				core.WithMaxValueSize(256),
				core.WithExtractors(panicky, extractors.Authorization(), extractors.Cookie(), extractors.Header("X-API-Key")),
			}
			addr := startApp(t, fw, opts, handler(dialControlPlane(t, cp)))
			for _, h := range credentialHeaders {
				for _, tc := range []struct {
					path   string
					fields [][2]string
				}{
					{"malformed", [][2]string{{h.name, h.value + "\xc3\xa9"}}},
					{"ambiguous", [][2]string{{h.name, h.value}, {h.name, h.value}}},
					{"too large", [][2]string{{h.name, h.value + strings.Repeat("x", 300)}}},
					{"panicking extractor", [][2]string{{"X-Panic", h.value}}},
					{"rejected downstream", [][2]string{{h.name, h.value}}},
				} {
					status, header, body := raw(t, addr, tc.fields)
					where := fmt.Sprintf("%s %s (%d)", h.name, tc.path, status)
					lc.see("response body of "+where, body)
					lc.see("response headers of "+where, header)
				}
			}
			lc.see("logs", logs.String())
			if !strings.Contains(logs.String(), "panicked") || !strings.Contains(logs.String(), "request refused") {
				t.Errorf("the failure paths were not all taken (no panic or refusal logged): %s", logs.String())
			}
		})
	}
}

// The gRPC client and server adapters keep the canary out of the errors
// they create and the logs they write.
func TestCanaryGRPC(t *testing.T) {
	lc := &leakCheck{t: t}
	logs := &syncBuffer{}
	srv := grpc.NewServer(grpc.UnknownServiceHandler(func(_ any, ss grpc.ServerStream) error { return nil }),
		grpc.StreamInterceptor(grpcpassthrough.StreamServerInterceptor(core.WithLogger(debugLogger(logs)),
			core.WithMaxValueSize(256), core.WithExtractors(panicky, extractors.Authorization(), extractors.Header("X-API-Key")))))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	plain, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	call := func(ctx context.Context, conn *grpc.ClientConn) error {
		return conn.Invoke(ctx, "/svc.v1.S/M", &emptypb.Empty{}, &emptypb.Empty{})
	}
	for _, md := range []metadata.MD{
		metadata.Pairs("authorization", "Bearer "+canary, "authorization", "Bearer "+canary),
		metadata.Pairs("x-api-key", canary+strings.Repeat("x", 300)),
		metadata.Pairs("x-panic", canary),
		metadata.Pairs("x-api-key", "   "),
	} {
		err := call(metadata.NewOutgoingContext(context.Background(), md), plain)
		if err == nil {
			t.Errorf("a hostile call succeeded")
			continue
		}
		lc.see("server adapter error", err.Error())
	}

	// Client side: credentials the client refuses to send, and credentials
	// over a connection without transport security.
	fwd, err := grpcpassthrough.NewClient(ln.Addr().String(), grpcpassthrough.WithDialOptions(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	defer fwd.Close()
	for _, p := range []core.Pair{
		{Key: "authorization", Value: "Bearer " + canary + "\r\n"},
		{Key: "authorization", Value: "Bearer " + canary + strings.Repeat("x", 9000)},
		{Key: "authorization", Value: "Bearer " + canary}, // plaintext: refused by gRPC
	} {
		err := call(core.WithMetadata(context.Background(), p), fwd)
		if err == nil {
			t.Errorf("the client sent credentials it should have refused")
			continue
		}
		lc.see("client error", err.Error())
	}
	lc.see("server logs", logs.String())
	md := core.NewMetadata(core.Pair{Key: "authorization", Value: canary})
	lc.see("formatted Metadata", fmt.Sprintf("%v %+v %#v %s %q", md, md, md, md, md))
}

// raw sends one request with the given header lines, byte for byte.
func raw(t *testing.T, addr string, fields [][2]string) (int, string, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(20 * time.Second))
	var b strings.Builder
	b.WriteString("GET /canary HTTP/1.1\r\nHost: x\r\nConnection: close\r\n")
	for _, f := range fields {
		b.WriteString(f[0] + ": " + f[1] + "\r\n")
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var hdr strings.Builder
	_ = resp.Header.Write(&hdr)
	return resp.StatusCode, hdr.String(), string(body)
}
