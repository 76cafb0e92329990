// Package readmecheck holds the tests that keep the repository's Markdown
// honest: every ```go block in every Markdown file (README.md, SECURITY.md,
// docs/, the guides beside the commands) mirrors a real file, or a marked
// region of one, under examples/, which is built and tested with the rest
// of the module; every relative link names a file that exists; and the
// README shows the middleware early. It has no code of its own.
package readmecheck
