// Package modcheck holds the tests that keep the repository's go.mod files
// honest (docs/modules.md): the root module, which every user requires,
// needs nothing but the frameworks its adapters are built on, and the
// framework versions docs/modules.md states are the ones the go.mod files
// require. It has no code of its own.
package modcheck
