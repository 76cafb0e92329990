package forward_test

import (
	"fmt"

	"github.com/passthrough-go/passthrough/connectpassthrough"
	"github.com/passthrough-go/passthrough/controlplane"
	"github.com/passthrough-go/passthrough/forward"
	"github.com/passthrough-go/passthrough/grpcpassthrough"
	"github.com/passthrough-go/passthrough/httppassthrough"
)

// The same options, and the same errors, for every forwarding client.
func Example() {
	dev := []forward.Option{forward.WithInsecure(), forward.WithAllowAnonymous()}

	conn, err := grpcpassthrough.NewClient("http://127.0.0.1:8089", dev...)
	fmt.Println("grpc:", err)
	defer conn.Close()
	_, err = connectpassthrough.NewClient("http://127.0.0.1:8091", nil, dev...)
	fmt.Println("connect:", err)
	_, err = httppassthrough.NewTransport(nil, []string{"http://127.0.0.1:8080"}, dev...)
	fmt.Println("http:", err)

	// Without WithInsecure, every client refuses a plaintext endpoint.
	_, err = controlplane.Init("http://127.0.0.1:8089", "demo", "development", "acme")
	fmt.Println(err)
	_, err = connectpassthrough.NewClient("http://127.0.0.1:8091", nil)
	fmt.Println(err)
	// Output:
	// grpc: <nil>
	// connect: <nil>
	// http: <nil>
	// passthrough: NewClient: an http:// target is plaintext; give forward.WithInsecure() to allow it
	// passthrough: origin http://127.0.0.1:8091 is plaintext; give forward.WithInsecure() to allow it
}
