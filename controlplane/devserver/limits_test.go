package devserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"iter"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	grpcgzip "google.golang.org/grpc/encoding/gzip"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/devserver"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/internal/slowconn"
)

// limited starts a server with cfg's limits on both endpoints, and returns
// a gRPC client and the two endpoints' addresses.
func limited(t *testing.T, cfg devserver.Config) (api, string, string) {
	t.Helper()
	e := serve(t, cfg)
	return e.client(t, "grpc"), e.grpcAddr, e.connectAddr
}

// finish waits, by watching, until a run ends.
func finish(t *testing.T, c api, r *flyte2v1.CreateRunResponse) {
	t.Helper()
	watch(t, c, as(t.Context(), viewKey), runID(r))
}

// Runs are kept up to MaxRuns: the oldest finished ones are forgotten.
func TestStoredRunsAreBounded(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 3})
	ctx := as(t.Context(), adminKey)
	var ids []*flyte2v1.RunIdentifier
	for i := range 5 {
		r, err := c.CreateRun(ctx, hello(strings.Repeat("x", i+1)))
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		ids = append(ids, runID(r))
		finish(t, c, r)
	}
	for i, id := range ids {
		_, err := c.GetRunDetails(ctx, &flyte2v1.GetRunDetailsRequest{RunId: id})
		if want := codes.OK; i < 2 {
			code(t, "evicted run "+id.GetName(), err, codes.NotFound)
		} else {
			code(t, "kept run "+id.GetName(), err, want)
		}
	}
}

// While every kept run is active, a new one is refused rather than
// forgetting a run that is still going.
func TestActiveRunsAreNeverEvicted(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxRuns: 2})
	ada, rue := as(t.Context(), adminKey), as(t.Context(), runKey)
	for _, ctx := range []context.Context{ada, rue} {
		if _, err := c.CreateRun(ctx, sleep(30)); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.CreateRun(ada, hello("x"))
	code(t, "a third run while two are active", err, codes.ResourceExhausted)
}

func TestActiveRunsPerUserAreBounded(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxActiveRunsPerUser: 2})
	ada, rue := as(t.Context(), adminKey), as(t.Context(), runKey)
	for i := range 2 {
		if _, err := c.CreateRun(ada, sleep(30)); err != nil {
			t.Fatalf("active run %d: %v", i, err)
		}
	}
	_, err := c.CreateRun(ada, sleep(30))
	code(t, "a third active run for ada", err, codes.ResourceExhausted)
	if _, err := c.CreateRun(rue, sleep(0)); err != nil {
		t.Fatalf("another user is not limited by ada's runs: %v", err)
	}
}

// A user has at most MaxWatchesPerUser WatchRunDetails streams open at
// once, on every endpoint together; another user is not limited by them,
// and a stream that ends frees its place.
func TestWatchesPerUserAreBounded(t *testing.T) {
	t.Parallel()
	e := serve(t, devserver.Config{MaxWatchesPerUser: 2})
	c := e.client(t, "grpc")
	ada, vic := as(t.Context(), adminKey), as(t.Context(), viewKey)
	r, err := c.CreateRun(ada, sleep(30))
	if err != nil {
		t.Fatal(err)
	}
	req := &flyte2v1.WatchRunDetailsRequest{RunId: runID(r)}
	// Two streams of vic's, one on each endpoint, each open once its
	// first answer is in.
	var open []func() (*flyte2v1.WatchRunDetailsResponse, error, bool)
	for _, protocol := range []string{"grpc", "connect"} {
		next, stop := iter.Pull2(e.client(t, protocol).WatchRunDetails(vic, req))
		defer stop()
		if _, err, _ := next(); err != nil {
			t.Fatalf("vic's watch over %s: %v", protocol, err)
		}
		open = append(open, next)
	}
	for _, protocol := range protocols {
		for _, err := range e.client(t, protocol).WatchRunDetails(vic, req) {
			code(t, "a third watch of vic's over "+protocol, err, codes.ResourceExhausted)
			break
		}
	}
	next, stop := iter.Pull2(c.WatchRunDetails(ada, req))
	defer stop()
	if _, err, _ := next(); err != nil {
		t.Fatalf("another user is not limited by vic's watches: %v", err)
	}
	// The run ends, and so do the streams watching it: once they have,
	// vic may watch again.
	if _, err := c.AbortRun(ada, &flyte2v1.AbortRunRequest{RunId: runID(r)}); err != nil {
		t.Fatal(err)
	}
	for _, next := range open {
		for _, err, ok := next(); ok; _, err, ok = next() {
			if err != nil {
				t.Fatalf("vic's watch of the aborted run: %v", err)
			}
		}
	}
	watch(t, c, vic, runID(r))
}

func TestRunInputsAreBounded(t *testing.T) {
	t.Parallel()
	c, _, _ := limited(t, devserver.Config{MaxInputBytes: 1024})
	ctx := as(t.Context(), adminKey)
	if _, err := c.CreateRun(ctx, hello(strings.Repeat("x", 900))); err != nil {
		t.Fatalf("inputs under the limit: %v", err)
	}
	_, err := c.CreateRun(ctx, hello(strings.Repeat("x", 2000)))
	code(t, "inputs over max_input_bytes", err, codes.InvalidArgument)
	_, err = c.CreateRun(ctx, hello(strings.Repeat("x", 200<<10)))
	code(t, "a request over the request limit", err, codes.ResourceExhausted)
}

// bloated returns a request whose encoding is n bytes of an unknown field:
// a handler that decodes it holds n bytes, however small it travels.
func bloated(n int) *flyte2v1.UserInfoRequest {
	m := &flyte2v1.UserInfoRequest{}
	b := protowire.AppendTag(nil, 1000, protowire.BytesType)
	b = protowire.AppendBytes(b, make([]byte, n))
	m.ProtoReflect().SetUnknown(b)
	return m
}

// A compressed request is decoded no further than the request limit, on
// the gRPC and the Connect endpoint, before anything else is checked.
func TestCompressedRequestsAreBounded(t *testing.T) {
	t.Parallel()
	_, grpcAddr, connectAddr := limited(t, devserver.Config{})

	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Invoke(t.Context(), controlplane.UserInfoProcedure, bloated(2<<20), new(flyte2v1.UserInfoResponse), grpc.UseCompressor(grpcgzip.Name))
	code(t, "gRPC: 2 MiB decoded from a gzip request without credentials", err, codes.ResourceExhausted)

	raw, err := proto.Marshal(bloated(2 << 20))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	zw := gzip.NewWriter(&body)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://"+connectAddr+controlplane.UserInfoProcedure, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/proto")
	req.Header.Set("Content-Encoding", "gzip")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(out), "resource_exhausted") {
		t.Fatalf("Connect: a gzip request decoding to 2 MiB answered %d %s; want resource_exhausted before anything else", resp.StatusCode, out)
	}
}

// Slow and idle clients are dropped, on both endpoints.
func TestSlowAndIdleClientsAreDropped(t *testing.T) {
	t.Parallel()
	const short = 300 * time.Millisecond
	_, grpcAddr, connectAddr := limited(t, devserver.Config{ReadTimeout: devserver.Duration(short), IdleTimeout: devserver.Duration(short)})
	dial := func(addr string) net.Conn {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}

	// Connect: a body sent a byte at a time.
	conn := dial(connectAddr)
	head := "POST " + controlplane.UserInfoProcedure + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
	if _, err := conn.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	sent := slowconn.Trickle(conn, bytes.Repeat([]byte(" "), 1000))
	slowconn.WaitClosed(t, "Connect, body a byte at a time", conn)
	if n := <-sent; n == 1000 {
		t.Fatal("Connect: the whole slow body was accepted")
	}

	// Connect: headers a byte at a time.
	conn = dial(connectAddr)
	sent = slowconn.Trickle(conn, []byte("GET / HTTP/1.1\r\nHost: x\r\n"+strings.Repeat("X-Pad: y\r\n", 100)+"\r\n"))
	slowconn.WaitClosed(t, "Connect, headers a byte at a time", conn)
	<-sent

	// Connect: an idle keep-alive connection after one request.
	conn = dial(connectAddr)
	if _, err := conn.Write([]byte("POST " + controlplane.UserInfoProcedure + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")); err != nil {
		t.Fatal(err)
	}
	slowconn.WaitClosed(t, "Connect, idle keep-alive connection", conn)

	// gRPC: a connection that never says anything.
	slowconn.WaitClosed(t, "gRPC, silent connection", dial(grpcAddr))

	// gRPC: an idle connection after a call.
	closed := make(chan struct{})
	cc, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
			if err != nil {
				return nil, err
			}
			return &watchedConn{Conn: c, closed: closed}, nil
		}))
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	if err := cc.Invoke(metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+viewKey), controlplane.UserInfoProcedure, &flyte2v1.UserInfoRequest{}, new(flyte2v1.UserInfoResponse)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("gRPC: the server kept an idle connection open")
	}
}

// An idle HTTP/2 (h2c) connection to the Connect endpoint is closed too.
func TestIdleH2CConnectionsAreDropped(t *testing.T) {
	t.Parallel()
	_, _, connectAddr := limited(t, devserver.Config{IdleTimeout: devserver.Duration(300 * time.Millisecond)})
	closed := make(chan struct{})
	var protocols http.Protocols
	protocols.SetUnencryptedHTTP2(true)
	client := &http.Client{Transport: &http.Transport{Protocols: &protocols,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &watchedConn{Conn: c, closed: closed}, nil
		}}}
	req, err := http.NewRequestWithContext(t.Context(), "POST", "http://"+connectAddr+controlplane.UserInfoProcedure, strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+viewKey)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.ProtoMajor != 2 || resp.StatusCode != 200 {
		t.Fatalf("got %s %d, want HTTP/2 200", resp.Proto, resp.StatusCode)
	}
	select {
	case <-closed:
	case <-time.After(20 * time.Second):
		t.Fatal("an idle h2c connection stayed open")
	}
}

// watchedConn closes closed when the peer ends the connection.
type watchedConn struct {
	net.Conn
	closed chan struct{}
	done   bool
}

func (w *watchedConn) Read(b []byte) (int, error) {
	n, err := w.Conn.Read(b)
	if err != nil && !w.done {
		w.done = true
		close(w.closed)
	}
	return n, err
}

// ListTasks answers with as many versions as fit a response any gRPC
// client accepts (4 MiB by default), and a token for the rest, whatever
// the limit asks for.
func TestListTasksIsBounded(t *testing.T) {
	t.Parallel()
	var tasks []devserver.Task
	for i := range 300 {
		tasks = append(tasks, devserver.Task{Name: "t", Version: fmt.Sprint("v", i), Executor: "fail", Description: strings.Repeat("d", 15<<10),
			Inputs: []devserver.Input{{Name: "message", Type: "string"}}})
	}
	c, _, _ := limited(t, devserver.Config{Tasks: tasks})
	ctx := as(t.Context(), viewKey)
	req := controlplane.LatestTaskRequest(projectID(), "t")
	req.Request.Limit = 1000
	first, err := c.ListTasks(ctx, req)
	if err != nil {
		t.Fatalf("ListTasks of 300 versions of 15 KiB: %v", err)
	}
	if n := len(first.GetTasks()); n == 0 || n == 300 || first.GetToken() == "" || first.GetTasks()[0].GetTaskId().GetVersion() != "v299" {
		t.Fatalf("ListTasks: %d versions, token %q; want the newest (v299) first, not all, and a token", n, first.GetToken())
	}
	req.Request.Token = first.GetToken()
	rest, err := c.ListTasks(ctx, req)
	if err != nil || len(first.GetTasks())+len(rest.GetTasks()) != 300 || rest.GetToken() != "" {
		t.Fatalf("the rest: %d versions, token %q, %v; want the other %d", len(rest.GetTasks()), rest.GetToken(), err, 300-len(first.GetTasks()))
	}
}
