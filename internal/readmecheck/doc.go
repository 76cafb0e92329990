// Package readmecheck holds the test that keeps README.md's Go snippets
// compiling: every ```go block in the README mirrors a real file, or a
// marked region of one, that is built and tested with the rest of the
// module. It has no code of its own.
package readmecheck
