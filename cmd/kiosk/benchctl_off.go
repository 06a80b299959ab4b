//go:build !bench

package main

// startBenchControl does nothing in the production build: only the bench
// build (benchctl.go, -tags bench) can be driven from standard input.
func startBenchControl(*backend) {}
