// Command forward asks the development control plane who ALICE_KEY
// belongs to (Flyte 2's UserInfo), three ways: over gRPC, over ConnectRPC, and as a plain HTTP
// request. Outside an HTTP handler there is no request to take credentials
// from, so it scopes them to a context with core.WithMetadata, the Go form
// of Python's auth_metadata().
//
//	go run ./cmd/controlplane   # one shell: prints ALICE_KEY
//	ALICE_KEY=cp_... go run ./examples/forward
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"

	"connectrpc.com/connect"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/controlplane/flyte2v1"
	"github.com/passthrough-go/passthrough/core"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

func main() {
	// The development control plane: gRPC on 8089, Connect on 8090, both
	// plaintext on loopback, hence forward.WithInsecure().
	err := run(context.Background(), os.Stdout, "http://127.0.0.1:8089", "http://127.0.0.1:8090", os.Getenv("ALICE_KEY"))
	if err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, out io.Writer, grpcURL, connectURL, key string) error {
	// readme:begin scoped
	ctx = core.WithMetadata(ctx, core.Pair{Key: "authorization", Value: "Bearer " + key})
	md, _ := core.FromContext(ctx)
	fmt.Fprintln(out, md) // Metadata{authorization=[REDACTED]}
	// readme:end scoped

	// gRPC: a connection whose every call forwards the credentials; here,
	// Flyte 2's identity service, by its procedure path.
	conn, err := grpcpassthrough.NewClient(grpcURL, forward.WithInsecure())
	if err != nil {
		return err
	}
	defer conn.Close()
	me := new(flyte2v1.UserInfoResponse)
	if err := conn.Invoke(ctx, controlplane.UserInfoProcedure, &flyte2v1.UserInfoRequest{}, me); err != nil {
		return err
	}
	fmt.Fprintln(out, "gRPC:", me.GetSubject())

	// ConnectRPC: an HTTP client that forwards to connectURL's origin only.
	hc, err := connectpassthrough.NewClient(connectURL, nil, forward.WithInsecure())
	if err != nil {
		return err
	}
	userInfo := connect.NewClient[flyte2v1.UserInfoRequest, flyte2v1.UserInfoResponse](hc, connectURL+controlplane.UserInfoProcedure)
	resp, err := userInfo.CallUnary(ctx, connect.NewRequest(&flyte2v1.UserInfoRequest{}))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "Connect:", resp.Msg.GetSubject())

	// Plain HTTP: a RoundTripper that forwards to the origins named, and
	// only there (never along a redirect elsewhere).
	tr, err := httppassthrough.NewTransport(nil, []string{connectURL}, forward.WithInsecure())
	if err != nil {
		return err
	}
	api := &http.Client{Transport: tr}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost,
		connectURL+controlplane.UserInfoProcedure, strings.NewReader("{}"))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := api.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "HTTP:", res.StatusCode, string(body))
	return nil
}
