package devserver

import (
	"context"
	"errors"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/tap"
)

// maxReceiving bounds the calls on the gRPC endpoint whose request message
// has not arrived yet, across all connections: ten connections' worth of
// streams (grpc.MaxConcurrentStreams is 100).
const maxReceiving = 1000

// receiving times the arrival of request messages on the gRPC endpoint,
// where, unlike on the Connect endpoint's HTTP server, nothing else does:
// grpc.ConnectionTimeout covers the handshake only, and MaxConnectionIdle
// never fires while a stream is open. Each call must receive its request
// message (and, for a unary call, the end of its stream) within the read
// timeout, and at most max calls wait for theirs at once; a stalled
// client therefore holds at most 100 streams a connection, none longer
// than the read timeout, and no more than max in all.
//
// A gRPC tap handle starts the clock when a stream opens, before any
// handler or interceptor runs, and stops it when the stream ends; the
// handler stops it as soon as its request is in ([receiving.arrived]). At
// the deadline the stream's own context is cancelled, which is what wakes
// a handler blocked on the message.
type receiving struct {
	timeout time.Duration
	max     int

	mu sync.Mutex
	n  int // calls waiting for their request message
}

// errStalled is the cause of a stream's cancellation at the read timeout.
var errStalled = errors.New("the request message did not arrive within the read timeout")

type awaitingKey struct{}

// awaiting is one call's wait for its request message.
type awaiting struct {
	timer *time.Timer
	done  sync.Once
	r     *receiving
}

// tap opens the wait of a new stream, or refuses the stream when max calls
// are waiting already. It runs on the connection's reader goroutine, so
// it does nothing that blocks.
func (r *receiving) tap(ctx context.Context, _ *tap.Info) (context.Context, error) {
	r.mu.Lock()
	if r.n >= r.max {
		r.mu.Unlock()
		return nil, status.Errorf(codes.ResourceExhausted, "%d calls are waiting for their request already, the most this control plane allows", r.max)
	}
	r.n++
	r.mu.Unlock()
	ctx, cancel := context.WithCancelCause(ctx)
	a := &awaiting{r: r, timer: time.AfterFunc(r.timeout, func() { cancel(errStalled) })}
	context.AfterFunc(ctx, a.end)
	return stallable{context.WithValue(ctx, awaitingKey{}, a)}, nil
}

// stallable is a stream's context that reports the read timeout as gRPC
// reports a deadline, DeadlineExceeded: the status a stalled client gets
// is the one gRPC sends when the stream's read fails on its context.
type stallable struct{ context.Context }

func (c stallable) Err() error {
	err := c.Context.Err()
	if err != nil && errors.Is(context.Cause(c.Context), errStalled) {
		return context.DeadlineExceeded
	}
	return err
}

// end stops a's clock and counts its call out of the waiting ones, once.
func (a *awaiting) end() {
	a.done.Do(func() {
		a.timer.Stop()
		a.r.mu.Lock()
		a.r.n--
		a.r.mu.Unlock()
	})
}

// receive reads a call's request on the gRPC endpoint with recv, within
// the read timeout: a request that has not arrived by then fails with
// DeadlineExceeded. ctx is the call's.
func receive(ctx context.Context, recv func(any) error, req any) error {
	a, _ := ctx.Value(awaitingKey{}).(*awaiting)
	err := recv(req)
	if a == nil {
		return err
	}
	a.end()
	if errors.Is(context.Cause(ctx), errStalled) {
		return status.Error(codes.DeadlineExceeded, errStalled.Error())
	}
	return err
}
