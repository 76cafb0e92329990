// Package flyte2v1 holds the messages of the Flyte 2 API subset this
// project speaks, generated from controlplane/proto (go generate
// ./controlplane; never edit the .pb.go files by hand). Each message is wire
// compatible with the flyteidl2 message its comment names; the proto
// package is this project's own, passthrough.flyte2.v1, so that no
// flyteidl2.* name is registered.
package flyte2v1
