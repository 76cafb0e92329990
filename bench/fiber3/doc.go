// Package fiber3 holds the Fiber v3 benchmarks of bench, in a module of
// their own: Fiber v3 needs a newer fasthttp than Fiber v2, and in the
// bench module it would move the Fiber v2 benchmarks onto it (see
// docs/modules.md). The cases are bench's, from bench/internal/benchcase.
package fiber3
