module github.com/passthrough-go/passthrough/bench/fiber3

go 1.26.0

replace (
	github.com/passthrough-go/passthrough => ../../
	github.com/passthrough-go/passthrough/bench => ../
	github.com/passthrough-go/passthrough/fiber3passthrough => ../../fiber3passthrough
)

require (
	github.com/gofiber/fiber/v3 v3.1.0
	github.com/passthrough-go/passthrough/bench v0.0.0-00010101000000-000000000000
	github.com/passthrough-go/passthrough/fiber3passthrough v0.0.0-00010101000000-000000000000
	github.com/valyala/fasthttp v1.69.0
)

require (
	github.com/andybalholm/brotli v1.2.0 // indirect
	github.com/gofiber/schema v1.7.0 // indirect
	github.com/gofiber/utils/v2 v2.0.2 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/klauspost/compress v1.18.4 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.22 // indirect
	github.com/passthrough-go/passthrough v0.0.0-00010101000000-000000000000 // indirect
	github.com/philhofer/fwd v1.2.0 // indirect
	github.com/tinylib/msgp v1.6.3 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	golang.org/x/crypto v0.57.0 // indirect
	golang.org/x/net v0.60.0 // indirect
	golang.org/x/sys v0.48.0 // indirect
	golang.org/x/text v0.42.0 // indirect
)
